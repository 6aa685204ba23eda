"""Sign in with an OpenID Connect provider in Chromium with third-party cookies blocked,
from a thread embedded on another origin: the popup (first-party on our origin) runs the
provider's form, hands the token back, and the thread signs in without a reload."""

import pytest

from tests.accounts.providers import oidc_provider, set_oidc_user
from widget.extensions import db
from widget.threads import find_site

from .axe import axe_problems

pytestmark = pytest.mark.browser


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture(scope="module")
def mock_oidc():
    with oidc_provider() as provider:
        yield provider


@pytest.fixture
def live_app_config(mock_oidc):
    return {"LOGIN_PROVIDERS": {"mock": {
        "title": "Mock ID", "client_id": "widget-browser", "client_secret": "s3cret",
        "server_metadata_url": f"{mock_oidc.base_url}/.well-known/openid-configuration"}}}


@pytest.fixture
def oidc_site(live_app, live_site):
    with live_app.app_context():
        find_site(live_site).login_providers = ["mock"]
        db.session.commit()
    return live_site


def article_page(live_app, site_key, host_site):
    (host_site.folder / "article.html").write_text(
        "<!doctype html><html lang='en'><title>Article</title><main><h1>Article</h1>"
        f'<div id="comments" data-site="{site_key}"></div>'
        f'<script src="{live_app.base_url}/embed.js" async></script></main></html>')
    return f"{host_site.origin}/article.html"


def test_sign_in_in_a_popup_with_third_party_cookies_blocked_then_post_verified(
        browser_with_cookie_policy, live_app, oidc_site, host_site, mock_oidc):
    set_oidc_user(mock_oidc, "rita", name="Rita Reader", email="rita@example.com",
                  email_verified=True)
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    page.goto(article_page(live_app, oidc_site, host_site))
    frame = page.frame_locator("#comments iframe")
    with context.expect_page() as opened:
        frame.get_by_role("link", name="Sign in with Mock ID").click()
    popup = opened.value
    popup.locator("input[name=sub]").fill("rita")
    with popup.expect_event("close"):  # waiting from before the click: it may close at once
        popup.get_by_role("button", name="Authorize").click()

    expect(frame.locator(".account-status")).to_contain_text("Commenting as Rita Reader")
    expect(frame.locator(".account-via")).to_have_text("via Mock ID")
    assert page.url == f"{host_site.origin}/article.html"  # the article never reloaded
    frame.get_by_label("Comment").first.fill("Signed in through the popup")
    frame.get_by_role("button", name="Post comment").first.click()
    comment = frame.locator("article.comment.comment-verified").first
    expect(comment.locator(".comment-author")).to_contain_text("Rita Reader")
    # The popup kept the sign-in's state in our first-party cookie (the frame has none).
    assert [c["name"] for c in context.cookies() if c["domain"] == "localhost"] == ["session"]


def test_a_blocked_popup_says_how_to_allow_it(browser, live_app, oidc_site, host_site):
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script("window.open = function () { return null; };")
    page.goto(article_page(live_app, oidc_site, host_site))
    frame = page.frame_locator("#comments iframe")
    frame.get_by_role("link", name="Sign in with Mock ID").click()
    expect(frame.locator(".sign-in-blocked")).to_contain_text("Allow pop-ups")
    context.close()


def test_the_popup_pages_pass_axe(context_for, live_app, oidc_site, host_site, mock_oidc):
    page = context_for()
    page.goto(f"{live_app.base_url}/accounts/oauth/mock/callback?state=forged&code=x")
    assert page.get_by_role("heading", name="Sign-in did not work").is_visible()
    assert axe_problems(page) == []
    page.goto(f"{live_app.base_url}/accounts/oauth/mock/start?site={oidc_site}"
              f"&url={host_site.origin}/article.html&mode=popup")
    page.locator("input[name=sub]").fill("axe")
    page.get_by_role("button", name="Deny").click()
    page.get_by_role("link", name="Try again").wait_for()
    assert axe_problems(page) == []
    page.get_by_role("link", name="Try again").click()
    page.locator("input[name=sub]").fill("axe")
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="Signed in").wait_for()  # no opener: it stays open
    assert axe_problems(page) == []
