"""Spam traps and limits as a person meets them in a real browser."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser


def thread_page_url(live_app, site_key, host_site, path="/article.html"):
    return f"{live_app.base_url}/t/{site_key}?url={quote(host_site.origin + path, safe='')}"


def test_the_honeypot_is_out_of_sight_out_of_reach_and_out_of_the_accessibility_tree(
        page, live_app, live_site, host_site):
    page.goto(thread_page_url(live_app, live_site, host_site))
    # Out of sight: a one-pixel box clipped to nothing (not moved off screen, which
    # would widen a right-to-left page).
    holder = page.locator("#reply-form .form-trap")
    box = holder.bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1
    assert holder.evaluate("el => getComputedStyle(el).clipPath") == "inset(50%)"
    assert holder.evaluate("el => getComputedStyle(el).overflow") == "hidden"
    assert page.get_by_role("textbox", name="Leave this field empty").count() == 0
    assert page.get_by_role("textbox", name="Comment").count() == 1  # real fields are there
    focused = []
    for _ in range(8):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.name || document.activeElement.tagName"))
    assert "subject" not in focused
    assert {"text", "name", "email", "website"} <= set(focused)


@pytest.mark.parametrize("live_app_config", [{"COMMENT_MIN_SECONDS": 60}])
def test_a_post_sent_sooner_than_anyone_types_is_held_and_looks_like_moderation(
        page, live_app, live_site, host_site):
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("Instant")  # well within the minute the form asks for
    page.get_by_label("Name").fill("Bot")
    page.get_by_role("button", name="Post comment").click()
    held = page.locator("article.comment", has_text="Instant")
    held.locator(".comment-badge").wait_for()
    assert held.locator(".comment-badge").inner_text() == "awaiting moderation"
    assert page.locator(".thread-count").inner_text() == "0 comments"  # held: not counted


@pytest.mark.parametrize("live_app_config", [{"COMMENT_MIN_SECONDS": 1}])
def test_a_person_taking_their_time_is_published(page, live_app, live_site, host_site):
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.wait_for_timeout(1200)  # reading, then typing
    page.get_by_label("Comment").fill("Considered")
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    published = page.locator("article.comment", has_text="Considered")
    published.wait_for()
    assert published.locator(".comment-badge").count() == 0
    assert page.locator(".thread-count").inner_text() == "1 comment"


@pytest.mark.parametrize("live_app_config", [{"RATELIMIT_ENABLED": True,
                                              "RATELIMIT_POST_THREAD": "1 per minute"}])
def test_too_many_posts_inline_says_how_long_to_wait_and_keeps_the_text(
        page, live_app, live_site, host_site):
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("One")
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    page.locator("article.comment", has_text="One").wait_for()
    page.get_by_label("Comment").fill("Two, typed with care")
    page.get_by_role("button", name="Post comment").click()
    alert = page.locator("#reply-form .form-error")
    alert.wait_for()
    assert "You are posting too often. Please wait" in alert.inner_text()
    assert page.get_by_label("Comment").input_value() == "Two, typed with care"


@pytest.mark.parametrize("live_app_config", [{"RATELIMIT_ENABLED": True,
                                              "RATELIMIT_POST_THREAD": "1 per minute"}])
def test_too_many_posts_without_scripts_is_a_page_with_the_comment_in_a_form(
        browser, live_app, live_site, host_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for text in ("One", "Two, typed with care"):
            page.goto(thread_page_url(live_app, live_site, host_site))
            page.get_by_label("Comment").fill(text)
            page.get_by_label("Name").fill("Ann")
            page.get_by_role("button", name="Post comment").click()
        assert page.locator("h1").inner_text() == "Too many comments"
        assert "send your comment again" in page.locator("[role=alert]").inner_text()
        assert page.get_by_label("Comment").input_value() == "Two, typed with care"
        assert page.get_by_label("Name").input_value() == "Ann"
        page.get_by_role("link", name="Back to the comments").click()
        assert page.locator("article.comment", has_text="One").count() == 1
    finally:
        context.close()
