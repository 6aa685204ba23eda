"""Commenter features in Chromium with scripts: edit and delete one's own comment inside
a cross-site iframe (no cookies needed), likes, remembered details and sort order.

Playwright's Chromium denies storage to cross-site frames (as Incognito without storage
partitioning does), so the iframe test stays within one page view; persistence across
reloads is tested on the thread page opened directly."""

import re
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


def expect(locator):
    """Playwright's waiting assertions, imported late: without playwright the browser
    fixture skips (or fails) with its reason instead of this module failing to import."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def thread_url(live_app, site_key, host_site, **params):
    extra = "".join(f"&{name}={value}" for name, value in params.items())
    return (f"{live_app.base_url}/t/{site_key}?url="
            f"{quote(host_site.origin + '/article.html', safe='')}{extra}")


def embedding_page(live_app, live_site, host_site):
    """The article on another origin, with the thread in an iframe (the no-script embed)."""
    (host_site.folder / "article.html").write_text(
        "<!doctype html><title>Article</title><h1>Article</h1>"
        f'<iframe id="comments" src="{thread_url(live_app, live_site, host_site)}" '
        'style="width:100%;height:1200px;border:0"></iframe>'
    )
    return f"{host_site.origin}/article.html"


def post(frame, text, name="Ann", email=""):
    frame.get_by_label("Comment").first.fill(text)
    frame.get_by_label("Name").first.fill(name)
    if email:
        frame.get_by_label("Email (optional)").first.fill(email)
    frame.get_by_role("button", name="Post comment").first.click()


def test_edit_and_delete_own_comment_in_a_cross_site_iframe(browser, live_app, live_site,
                                                            host_site):
    context = browser.new_context()
    page = context.new_page()
    page.goto(embedding_page(live_app, live_site, host_site))
    frame = page.frame_locator("#comments")
    post(frame, "Frist post")
    mine = frame.locator("article.comment").first
    mine.get_by_role("button", name="Edit").click()
    editor = mine.get_by_label("Change your text")
    assert editor.input_value() == "Frist post"
    editor.fill("First post, *fixed*")
    mine.get_by_role("button", name="Save").click()
    mine.locator(".comment-body em").wait_for()
    assert mine.locator(".comment-body").inner_text() == "First post, fixed"
    assert mine.locator(".comment-edited").inner_text() == "edited"

    # An edit is checked like a new comment: the error shows, the text stays.
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Change your text").fill("")
    mine.get_by_label("Change your text").evaluate("el => el.required = false")
    mine.get_by_role("button", name="Save").click()
    mine.locator(".field-error").wait_for()
    assert "Please write a comment." in mine.locator(".field-error").inner_text()
    mine.get_by_role("button", name="Cancel").click()

    # Another browser sees no controls.
    stranger = browser.new_context().new_page()
    stranger.goto(thread_url(live_app, live_site, host_site))
    stranger.locator("article.comment").first.wait_for()
    assert stranger.get_by_role("button", name="Edit").count() == 0
    assert stranger.get_by_role("button", name="Delete").count() == 0
    stranger.context.close()

    page.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="Delete").click()
    frame.locator("article.comment").first.wait_for(state="detached")
    assert frame.locator(".thread-count").inner_text() == "No comments yet"
    context.close()


def test_own_controls_survive_a_reload_and_keep_the_thread_shape(page, live_app, live_site,
                                                                 host_site):
    page.goto(thread_url(live_app, live_site, host_site))
    post(page, "Parent")
    mine = page.locator("article.comment").first
    mine.get_by_role("button", name="Reply").click()
    reply_form = mine.locator("form.comment-form")
    reply_form.get_by_label("Comment").fill("A reply")
    reply_form.get_by_label("Name").fill("Bob")
    reply_form.get_by_role("button", name="Post comment").click()
    mine.locator(".comment-replies > article.comment").wait_for()

    page.reload()  # the tokens are in localStorage: the controls come back
    mine = page.locator("article.comment").first
    page.once("dialog", lambda dialog: dialog.accept())
    mine.locator(":scope > footer").get_by_role("button", name="Delete").click()
    mine.locator(":scope > .comment-body-deleted").wait_for()
    assert mine.locator(":scope > .comment-body").inner_text() == "[deleted]"
    assert page.locator(".thread-count").inner_text() == "1 comment"
    page.reload()
    assert page.locator("article.comment").first.locator(":scope > .comment-body").inner_text() \
        == "[deleted]"


def test_like_and_undo_with_javascript(browser, page, live_app, live_site, host_site):
    author = browser.new_context().new_page()
    author.goto(thread_url(live_app, live_site, host_site))
    post(author, "Like me")
    author.locator("article.comment").first.wait_for()
    author.context.close()

    page.goto(thread_url(live_app, live_site, host_site))
    like = page.locator("article.comment").first.get_by_role("button", name=re.compile("^Like"))
    assert like.get_attribute("aria-pressed") == "false"
    page.evaluate("window.__marker = 1")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    assert like.locator("span").inner_text() == "1"
    assert page.evaluate("window.__marker") == 1  # no reload

    page.reload()
    like = page.locator("article.comment").first.get_by_role("button", name=re.compile("^Like"))
    assert like.get_attribute("aria-pressed") == "true"
    assert like.locator("span").inner_text() == "1"
    like.click()
    expect(like.locator("span")).to_have_text("0")
    assert like.get_attribute("aria-pressed") == "false"


def test_details_are_remembered_and_the_sort_order_too(page, live_app, live_site, host_site):
    url = thread_url(live_app, live_site, host_site)
    page.goto(url)
    post(page, "one", name="Ann", email="ann@example.com")
    page.locator("article.comment").first.wait_for()
    post(page, "two", name="Ann", email="ann@example.com")
    page.locator("article.comment").nth(1).wait_for()

    page.goto(url)
    assert page.get_by_label("Name").input_value() == "Ann"
    assert page.get_by_label("Email (optional)").input_value() == "ann@example.com"
    page.locator("article.comment").first.get_by_role("button", name="Reply").click()
    reply_form = page.locator("article.comment form.comment-form").first
    assert reply_form.get_by_label("Name").input_value() == "Ann"

    page.get_by_role("link", name="Newest").click()
    page.wait_for_url("**sort=newest**")
    page.goto(url)  # no sort in the URL: the remembered choice applies
    page.wait_for_url("**sort=newest**")
    assert page.locator(".comment-list > article.comment .comment-body").first.inner_text() == "two"


def test_preview_help_and_relative_times(page, live_app, live_site, host_site):
    page.goto(thread_url(live_app, live_site, host_site))
    page.get_by_text("Formatting help").click()
    expect(page.locator(".format-help table")).to_be_visible()

    page.get_by_label("Comment").fill("*draft* <b>x</b>")
    page.evaluate("window.__marker = 1")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".comment-preview .comment-body")
    expect(preview.locator("em")).to_have_text("draft")
    assert "<b>x</b>" in preview.inner_text()  # HTML shown as typed, not rendered
    assert page.evaluate("window.__marker") == 1  # no round trip
    assert page.locator("article.comment").count() == 0  # nothing was posted

    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    time = page.locator("article.comment time").first
    expect(time).to_have_text("just now")
    assert time.get_attribute("title")  # the exact time, in the reader's zone, on hover
    assert time.get_attribute("datetime").endswith("Z")


def test_preview_without_javascript(browser, live_app, live_site, host_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(thread_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("**bold** idea")
    page.get_by_role("button", name="Preview").click()
    page.locator(".comment-preview strong").wait_for()
    assert page.get_by_label("Comment").input_value() == "**bold** idea"
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#c-1")
    assert page.locator("#c-1 .comment-body strong").inner_text() == "bold"
    context.close()


def test_with_third_party_cookies_blocked_the_loader_keeps_edit_rights_over_a_reload(
        browser_with_cookie_policy, live_app, live_site, host_site):
    """No cookie and no storage in the frame: the loader's signed list (kept in the host
    page's storage and passed back in the frame URL) lets the author edit after a reload."""
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    (host_site.folder / "loaded.html").write_text(
        "<!doctype html><title>Article</title><h1>Article</h1>"
        f'<div id="comments" data-site="{live_site}"></div>'
        f'<script src="{live_app.base_url}/embed.js" async></script>')
    page.goto(f"{host_site.origin}/loaded.html")
    frame = page.frame_locator("#comments iframe")
    post(frame, "Frist")
    frame.locator("article.comment").first.get_by_role("button", name="Edit").wait_for()

    page.reload()
    mine = page.frame_locator("#comments iframe").locator("article.comment").first
    mine.get_by_role("button", name="Edit").click()
    mine.get_by_label("Change your text").fill("First")
    mine.get_by_role("button", name="Save").click()
    expect(mine.locator(".comment-body")).to_have_text("First")
    assert context.cookies() == []


def test_like_sort_and_edit_without_javascript(browser, live_app, live_site, host_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(thread_url(live_app, live_site, host_site))
    post(page, "First")
    page.wait_for_url("**#c-1")
    post(page, "Second")
    page.wait_for_url("**#c-2")

    page.locator("#c-2").get_by_role("button", name="Like").click()  # the hidden form's button
    page.wait_for_url("**#c-2")
    assert page.locator("#c-2 > footer span").inner_text() == "1"
    page.get_by_role("link", name="Most liked").click()
    page.wait_for_url("**sort=liked**")
    assert page.locator(".comment-list > article.comment").first.get_attribute("id") == "c-2"

    page.locator(".own-notice [data-own-comment='1']").get_by_role("link", name="Edit or delete").click()
    page.get_by_label("Comment").fill("First, edited")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url("**#c-1")
    assert page.locator("#c-1 .comment-body").inner_text() == "First, edited"
    assert page.locator("#c-1 .comment-edited").is_visible()
    context.close()
