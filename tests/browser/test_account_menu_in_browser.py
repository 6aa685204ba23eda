"""The account menu in Chromium with third-party cookies blocked: a host site's member
(data-sso, signed by the test as the host's server would) finds Edit and Delete on their
comments in a new page view, sees My comments, downloads their data, signs out
everywhere, and deletes their account after confirming; the new screens pass axe."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import sso_token
from tests.browser.axe import axe_problems
from tests.conftest import make_comment, make_thread
from widget.accounts.models import Account, AccountSession
from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread, utcnow
from widget.threads import find_site

pytestmark = pytest.mark.browser


def member_page(live_app, live_site, host_site, sub="u-7", name="Kevin"):
    """The article on the host's origin, its snippet carrying the member's SSO token."""
    with live_app.app_context():
        token = sso_token(find_site(live_site), sub=sub, name=name)
    (host_site.folder / "logout.html").write_text("<!doctype html><title>Logged out</title>"
                                                  "<h1>Logged out</h1>")
    (host_site.folder / "article.html").write_text(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Article</title>"
        "</head><body><main><h1>Article</h1>"
        f'<div id="comments" data-site="{live_site}" data-sso="{token}" '
        f'data-sso-logout="{host_site.origin}/logout.html"></div>'
        f'<script src="{live_app.base_url}/embed.js" async></script></main></body></html>')
    return f"{host_site.origin}/article.html"


def signed_in_frame(page, name="Kevin"):
    page.locator("#comments iframe").wait_for()
    frame = page.frame_locator("#comments iframe")
    frame.get_by_text(f"Commenting as {name}").first.wait_for()
    return frame


def open_menu(frame):
    menu = frame.locator(".account-menu")
    if not menu.evaluate("details => details.open"):
        menu.locator("summary").click()


def seed_older_comments(live_app, live_site, host_site):
    """The member's comments from before: one here past the edit window (with another
    reader's reply), one on another article."""
    with live_app.app_context():
        site = find_site(live_site)
        account = db.session.scalar(select(Account))
        thread = db.session.scalar(select(Thread).where(Thread.site_id == site.id))
        old = make_comment(thread, "An old remark", author="Kevin", account_id=account.id,
                           verified_via="sso:127.0.0.1", created_at=utcnow() - timedelta(days=2))
        make_comment(thread, "A reply to the old remark", parent=old, author="Ann")
        other = make_thread(site, url=f"{host_site.origin}/other.html", title="Another article")
        make_comment(other, "Said on another article", author="Kevin", account_id=account.id)
        return old.id


def test_the_account_menu_with_third_party_cookies_blocked(
        browser_with_cookie_policy, live_app, live_site, host_site, tmp_path):
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    page.goto(member_page(live_app, live_site, host_site))
    frame = signed_in_frame(page)
    frame.get_by_label("Comment").fill("Kevin was here")
    frame.get_by_role("button", name="Post comment").click()
    frame.locator("article.comment", has_text="Kevin was here").wait_for()
    old_id = seed_older_comments(live_app, live_site, host_site)

    # A new page view: the frame kept nothing, yet the account's comments are its own.
    page.reload()
    frame = signed_in_frame(page)
    recent = frame.locator("article.comment", has_text="Kevin was here")
    recent.get_by_role("button", name="Edit").wait_for()
    assert recent.get_by_role("button", name="Delete").count() == 1
    old = frame.locator(f"#c-{old_id}")
    old.get_by_role("button", name="Delete").wait_for()
    assert old.get_by_role("button", name="Edit").count() == 0  # past the window
    assert context.cookies() == []

    # My comments: this site's, newest first, each linking to its article.
    open_menu(frame)
    frame.get_by_role("link", name="My comments").click()
    panel = frame.locator("#account-panel")
    panel.get_by_role("heading", name="My comments").wait_for()
    items = panel.locator(".my-comment")
    assert items.count() == 3
    assert "Said on another article" in items.first.inner_text()
    assert panel.get_by_role("link", name="Another article").get_attribute("href") \
        .endswith("/other.html#c-" + str(old_id + 2))
    panel.get_by_role("link", name="Back to the comments").click()
    assert frame.locator("#account-panel").count() == 0

    # Download my data: a JSON file saved from inside the cross-site frame.
    open_menu(frame)
    with page.expect_download() as download_info:
        frame.get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    saved = tmp_path / "data.json"
    download.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["account"]["display_name"] == "Kevin"
    assert {c["text"] for c in data["comments"]} == {
        "Kevin was here", "An old remark", "Said on another article"}

    # Delete my account: a second step, and the box must be ticked.
    open_menu(frame)
    frame.get_by_role("link", name="Delete my account").click()
    panel = frame.locator("#account-panel")
    panel.get_by_role("heading", name="Delete my account").wait_for()
    panel.get_by_role("button", name="Delete my account").click()  # not ticked: refused
    with live_app.app_context():
        assert db.session.scalar(select(func.count(Account.id))) == 1
    panel.get_by_label("Yes, delete my account and my comments").check()
    panel.get_by_role("button", name="Delete my account").click()
    page.wait_for_url(f"{host_site.origin}/logout.html?return_to=*")  # the host's logout too

    with live_app.app_context():
        assert db.session.scalar(select(func.count(Account.id))) == 0
        assert db.session.scalar(select(func.count(AccountSession.id))) == 0
        placeholder = db.session.get(Comment, old_id)
        assert (placeholder.status, placeholder.text, placeholder.author) == (
            CommentStatus.DELETED, "", "")
        texts = db.session.scalars(select(Comment.text)).all()
        assert sorted(texts) == ["", "A reply to the old remark"]


def test_sign_out_everywhere_ends_every_browsers_session(
        browser_with_cookie_policy, live_app, live_site, host_site):
    url = member_page(live_app, live_site, host_site)
    phone = browser_with_cookie_policy(block_third_party_cookies=True).new_page()
    phone.goto(url)
    signed_in_frame(phone)
    laptop = browser_with_cookie_policy(block_third_party_cookies=True).new_page()
    laptop.goto(url)
    frame = signed_in_frame(laptop)
    with live_app.app_context():
        assert db.session.scalar(select(func.count(AccountSession.id))) == 2
    open_menu(frame)
    frame.get_by_role("button", name="Sign out everywhere").click()
    laptop.wait_for_url(f"{host_site.origin}/logout.html?return_to=*")
    with live_app.app_context():
        assert db.session.scalar(select(func.count(AccountSession.id))) == 0


def test_the_account_screens_pass_axe(context_for, live_app, live_site, host_site):
    page = context_for()
    page.goto(member_page(live_app, live_site, host_site))
    signed_in_frame(page)
    frame = page.locator("#comments iframe").element_handle().content_frame()
    frame.get_by_label("Comment").fill("Something to list")
    frame.get_by_role("button", name="Post comment").click()
    frame.locator("article.comment").get_by_role("button", name="Delete").wait_for()
    open_menu(frame)
    assert axe_problems(frame) == []
    frame.get_by_role("link", name="My comments").click()
    frame.locator("#account-panel .my-comment").wait_for()
    assert axe_problems(frame) == []
    open_menu(frame)
    frame.get_by_role("link", name="Delete my account").click()
    frame.get_by_label("Yes, delete my account and my comments").wait_for()
    assert axe_problems(frame) == []
