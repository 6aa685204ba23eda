"""The thread page in a real browser: posting and replying inline, and without scripts."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


def thread_page_url(live_app, site_key, host_site, path="/article.html"):
    return f"{live_app.base_url}/t/{site_key}?url={quote(host_site.origin + path, safe='')}"


def test_post_and_reply_inline_without_reload(page, live_app, live_site, host_site):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.wait_for_load_state("load")  # thread.js (deferred) has run
    # The part for one's own comments is not part of a reader's first load (issue 15) ...
    assert not [url for url in fetched if "thread-own.js" in url]
    page.get_by_label("Comment").fill("First **post**")
    page.get_by_label("Name").fill("Ann")
    page.evaluate("window.__marker = 'still here'")
    page.get_by_role("button", name="Post comment").click()
    first = page.locator("article.comment").first
    first.locator(".comment-body strong").wait_for()
    assert first.locator(".comment-author").inner_text() == "Ann"
    assert page.locator(".thread-count").inner_text() == "1 comment"
    # ... it comes once the reader writes, in time for the Edit of what they posted.
    first.get_by_role("button", name="Edit").wait_for()
    assert len([url for url in fetched if "/static/thread-own.js?v=" in url]) == 1

    first.get_by_role("button", name="Reply").click()
    reply_form = first.locator("form.comment-form")
    reply_form.get_by_label("Comment").fill("A reply")
    reply_form.get_by_label("Name").fill("Bob")
    reply_form.get_by_role("button", name="Post comment").click()
    reply = first.locator(".comment-replies > article.comment")
    reply.wait_for()
    assert reply.locator(".comment-body").inner_text() == "A reply"
    first_id = first.get_attribute("id").removeprefix("c-")
    assert reply.get_attribute("data-parent") == first_id
    assert page.evaluate("window.__marker") == "still here"  # no reload happened
    assert page.locator(".thread-count").inner_text() == "2 comments"


def test_post_and_reply_with_javascript_off(browser, live_app, live_site, host_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("No script needed")
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#c-1")
    assert page.locator("#c-1 .comment-body").inner_text() == "No script needed"

    # The date is the permalink: to the comment in this page, without scripts.
    assert page.locator("#c-1 > header time").locator("xpath=..").get_attribute("href") == "#c-1"

    # Reply submits the page's one GET form: the article's URL and options come along.
    page.locator("#c-1").get_by_role("button", name="Reply").click()
    page.wait_for_url("**reply=1**")
    assert "url=" in page.url and page.url.endswith("#reply-form")
    form = page.locator("#c-1 form.comment-form")
    form.get_by_label("Comment").fill("Reply without script")
    form.get_by_label("Name").fill("Bob")
    form.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#c-2")
    assert page.locator("#c-1 #c-2").get_attribute("data-parent") == "1"
    context.close()


def test_errors_show_beside_the_field_and_keep_the_text(page, live_app, live_site, host_site):
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("My careful words")
    page.get_by_label("Email (optional)").fill("not-an-email")
    page.get_by_label("Name").fill("Ann")
    page.get_by_label("Email (optional)").evaluate("el => el.type = 'text'")  # past the browser's own check
    page.get_by_role("button", name="Post comment").click()
    page.locator(".field-error").wait_for()
    assert "valid email" in page.locator(".field-error").inner_text()
    assert page.get_by_label("Comment").input_value() == "My careful words"
    assert page.locator("article.comment").count() == 0
