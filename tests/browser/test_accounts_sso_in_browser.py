"""The host site's own users in real Chromium with third-party cookies blocked: the
article page (another origin) carries a token signed with the site's SSO secret, and the
thread in its iframe signs the visitor in, posts as them and marks the post verified."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.accounts.helpers import sso_token
from widget.extensions import db
from widget.models import Comment, Site

from .test_embed_in_browser import snippet, thread_frame, wait_until, write_page

pytestmark = pytest.mark.browser


def token_for(live_app, site_key, **claims):
    with live_app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == site_key))
        return sso_token(site, **claims)


def host_page(live_app, live_site, host_site, token, name="article.html"):
    login, logout = f"{host_site.origin}/login.html", f"{host_site.origin}/logout.html"
    for page_name in ("login.html", "logout.html"):
        write_page(host_site, page_name, f"<h1>{page_name}</h1>")
    return write_page(host_site, name, snippet(
        live_app, live_site, sso=token, **{"sso-login": login, "sso-logout": logout}))


def test_a_host_user_is_signed_in_posts_verified_and_signs_out(
        browser_with_cookie_policy, live_app, live_site, host_site):
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    token = token_for(live_app, live_site, sub="host-1", name="Kevin Member")
    url = host_page(live_app, live_site, host_site, token)
    page.goto(url)
    frame = thread_frame(page)
    frame.get_by_text("Commenting as Kevin Member").first.wait_for()
    assert token not in page.locator("#comments iframe").get_attribute("src")
    assert frame.get_by_label("Name").count() == 0

    frame.get_by_label("Comment").fill("Written by a signed-in member")
    frame.get_by_role("button", name="Post comment").click()
    mine = frame.locator("article.comment-verified", has_text="Written by a signed-in member")
    mine.wait_for()
    assert "via 127.0.0.1" in mine.locator(".comment-verified-via").inner_text()
    assert context.cookies() == []  # no cookie: the token did it all
    with live_app.app_context():
        comment = db.session.scalar(select(Comment))
        assert (comment.author, comment.account_id is not None) == ("Kevin Member", True)

    page.reload()  # the next page view: still signed in
    frame = thread_frame(page)
    frame.get_by_text("Commenting as Kevin Member").first.wait_for()

    frame.locator(".account-menu summary").click()
    frame.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url(lambda current: current.startswith(f"{host_site.origin}/logout.html"))
    returned = parse_qs(urlsplit(page.url).query)["return_to"]
    assert returned == [url]


def test_signed_out_visitors_get_the_hosts_sign_in_and_an_anonymous_post_cannot_take_a_members_name(
        browser_with_cookie_policy, live_app, live_site, host_site):
    member = browser_with_cookie_policy(block_third_party_cookies=True).new_page()
    member.goto(host_page(live_app, live_site, host_site,
                          token_for(live_app, live_site, name="Kevin")))
    thread_frame(member).get_by_text("Commenting as Kevin").first.wait_for()

    page = browser_with_cookie_policy(block_third_party_cookies=True).new_page()
    url = host_page(live_app, live_site, host_site, "", name="anonymous.html")
    page.goto(url)
    frame = thread_frame(page)
    frame.get_by_label("Comment").fill("Pretending to be him")
    frame.get_by_label("Name").fill("K\u0435vin")  # a Cyrillic е
    frame.get_by_role("button", name="Post comment").click()
    error = frame.locator(".field-error", has_text="belongs to a signed-in member")
    error.wait_for()
    assert frame.get_by_label("Name").get_attribute("aria-invalid") == "true"
    assert frame.get_by_label("Comment").input_value() == "Pretending to be him"
    with live_app.app_context():
        assert db.session.scalar(select(Comment)) is None

    frame.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda current: current.startswith(f"{host_site.origin}/login.html"))
    assert parse_qs(urlsplit(page.url).query)["return_to"] == [url]


def test_an_expired_token_leaves_the_thread_working_for_anyone(
        browser_with_cookie_policy, live_app, live_site, host_site):
    page = browser_with_cookie_policy(block_third_party_cookies=True).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expired = token_for(live_app, live_site, lifetime=-600)
    page.goto(host_page(live_app, live_site, host_site, expired))
    frame = thread_frame(page)
    frame.get_by_role("button", name="Sign in").wait_for()  # offered, since not signed in
    frame.get_by_label("Comment").fill("Anyone can still post")
    frame.get_by_label("Name").fill("Ann")
    frame.get_by_role("button", name="Post comment").click()
    wait_until(lambda: frame.locator("article.comment", has_text="Anyone can still post").count(),
               message="the anonymous comment")
    assert frame.locator("article.comment-verified").count() == 0
    assert errors == []


@pytest.mark.parametrize(("color_scheme", "lang"), [("light", "en"), ("dark", "ar")])
def test_the_signed_in_thread_and_its_account_menu_pass_axe(
        context_for, live_app, live_site, host_site, color_scheme, lang):
    from tests.browser.axe import axe_problems

    page = context_for(color_scheme)
    article = f"{host_site.origin}/article.html"
    page.goto(f"{live_app.base_url}/t/{live_site}?url={article}&lang={lang}")
    token = token_for(live_app, live_site, name="Kevin")
    # First-party here, so the session cookie keeps the sign-in for the reload.
    answer = page.evaluate("""async token => {
        const body = new FormData();
        body.append("csrf_token", document.querySelector("input[name=csrf_token]").value);
        body.append("sso", token);
        const response = await fetch(document.querySelector(".thread").dataset.accountUrl,
            { method: "POST", body, headers: { Accept: "application/json" } });
        return response.json();
    }""", token)
    assert answer["signed_in"] is True
    page.reload()
    page.locator(".account-menu summary").click()
    page.locator(".account-menu-items").wait_for()
    assert page.locator(".commenting-as").count() == 1
    assert axe_problems(page) == []
