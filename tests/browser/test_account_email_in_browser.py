"""Sign in with email in Chromium with third-party cookies blocked: the thread in a
cross-site iframe on a host page, the code read from a real SMTP server (aiosmtpd) that
the service's mail worker delivers to; and axe on every new screen."""

import re
from urllib.parse import quote

import pytest

from tests.browser.axe import axe_problems
from tests.browser.test_embed_in_browser import snippet, thread_frame, write_page
from tests.mailserver import body_of, smtp_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app_config(smtp_server):  # noqa: F811
    return {
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_WORKER": True,
        # Over plain HTTP a SameSite=None cookie must be Secure, so the browser keeps no
        # cookie at all in the iframe: only the commenter token can carry the sign-in.
        "SESSION_COOKIE_SAMESITE": "None", "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_PARTITIONED": False,
    }


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def mailed(smtp_server, count):  # noqa: F811
    """(code, link) of the count-th mail the server received."""
    body = body_of(smtp_server.wait_for(count)[count - 1])
    code = re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE).group(1)
    link = re.search(r"(http://\S+/account/email/\S+)", body).group(1)
    return code, link


def ask_for_code(frame, email="ann@example.com", name="Ann Reader"):
    frame.get_by_label("Your email address").fill(email)
    frame.get_by_label("Your name (for a new account)").fill(name)
    frame.get_by_role("button", name="Email me a code").click()


def test_sign_in_by_emailed_code_in_a_cross_site_iframe_with_cookies_blocked(
        browser_with_cookie_policy, live_app, live_site, host_site, smtp_server):  # noqa: F811
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    page.goto(write_page(host_site, "article.html", snippet(live_app, live_site)))
    frame = thread_frame(page)

    # A wrong address first: the message beside the field, what was typed kept.
    frame.locator(".sign-in-email summary").click()
    # The browser's own check of the address would stop it first: post past it.
    frame.locator(".sign-in-email-form").evaluate("form => { form.noValidate = true; }")
    ask_for_code(frame, email="ann@", name="Ann Reader")
    expect(frame.locator("#sign-in-email-error")).to_have_text("Please enter a valid email address.")
    expect(frame.get_by_label("Your name (for a new account)")).to_have_value("Ann Reader")
    frame.get_by_label("Your email address").fill("ann@example.com")
    frame.get_by_role("button", name="Email me a code").click()
    expect(frame.locator(".sign-in-sent")).to_contain_text("A code is on its way to ann@example.com")

    code, _link = mailed(smtp_server, 1)  # sent by the service's mail worker
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    frame.get_by_label("Code from the email").fill(wrong)
    frame.get_by_role("button", name="Sign in", exact=True).click()
    expect(frame.locator("#sign-in-code-error")).to_contain_text("This code is not right")
    frame.get_by_label("Code from the email").fill(code)
    frame.get_by_role("button", name="Sign in", exact=True).click()
    status = frame.locator(".account-status")
    expect(status).to_contain_text("Commenting as Ann Reader")
    expect(status).to_contain_text("email verified")

    frame.get_by_label("Comment").fill("Signed in by emailed code")
    frame.get_by_role("button", name="Post comment").click()
    mine = frame.locator("article.comment-verified", has_text="Signed in by emailed code")
    expect(mine.locator(".comment-author")).to_contain_text("Ann Reader")
    expect(mine).to_contain_text("email verified")
    assert context.cookies() == []  # no cookie anywhere: the token did it all

    # The loader keeps the token in the host page's storage: still signed in after a reload.
    page.reload()
    frame = thread_frame(page)
    expect(frame.locator(".account-status")).to_contain_text("Commenting as Ann Reader")

    frame.locator(".account-menu summary").click()
    frame.get_by_role("button", name="Sign out", exact=True).click()
    frame = thread_frame(page)
    expect(frame.locator(".sign-in-email summary")).to_be_visible()
    page.reload()
    frame = thread_frame(page)
    expect(frame.locator(".sign-in-email summary")).to_be_visible()
    page.wait_for_timeout(300)  # time for a (wrong) sign-in by a token not forgotten
    assert frame.locator(".account-status").count() == 0


def thread_page_url(live_app, site_key, host_site):
    article = quote(host_site.origin + "/article.html", safe="")
    return f"{live_app.base_url}/t/{site_key}?url={article}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_email_sign_in_screens_pass_axe(context_for, live_app, live_site, host_site,
                                            smtp_server, color_scheme):  # noqa: F811
    page = context_for(color_scheme)
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.locator(".sign-in-email summary").click()
    assert axe_problems(page) == []
    page.locator(".sign-in-email-form").evaluate("form => { form.noValidate = true; }")
    ask_for_code(page, email="ann@", name="\u200b")  # errors beside both fields
    page.locator("#sign-in-email-error").wait_for()
    assert axe_problems(page) == []
    page.get_by_label("Your email address").fill("ann@example.com")
    page.get_by_label("Your name (for a new account)").fill("Ann")
    page.get_by_role("button", name="Email me a code").click()
    page.locator(".sign-in-code-form").evaluate("form => { form.noValidate = true; }")
    page.get_by_label("Code from the email").fill("12")
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.locator("#sign-in-code-error").wait_for()
    assert axe_problems(page) == []

    _code, link = mailed(smtp_server, 1)
    page.goto(link)  # the first-party page behind the link, then its answer
    assert axe_problems(page) == []
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("You are signed in")
    assert axe_problems(page) == []


def test_without_javascript_the_code_page_passes_axe_and_signs_in(
        browser, live_app, live_site, host_site, smtp_server):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.locator(".sign-in-email summary").click()
    page.get_by_label("Your email address").fill("bob@example.com")
    page.get_by_label("Your name (for a new account)").fill("Bob")
    page.get_by_role("button", name="Email me a code").click()
    expect(page.locator("h1")).to_have_text("Sign in with email")
    code, _link = mailed(smtp_server, 1)
    page.get_by_label("Code from the email").fill(code)
    # axe runs as a script, so only in a context with scripts: check the same page there.
    checker = browser.new_context(bypass_csp=True).new_page()
    checker.set_content(page.content().replace("<head>", f'<head><base href="{page.url}">', 1))
    assert axe_problems(checker) == []
    checker.context.close()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".account-status")).to_contain_text("Commenting as Bob")
    context.close()
