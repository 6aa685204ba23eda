"""Thread pages made for a shared cache (every reader gets the same form token) in a real
browser: the script swaps in a token of the reader's own before it posts; without scripts
the post goes through the confirm page."""

import pytest

from tests.browser.test_thread_in_browser import thread_page_url

pytestmark = pytest.mark.browser
CONFIRM = "Check your comment, then press Post comment."


@pytest.fixture
def live_app_config():
    return {"SHARED_CACHE_SECONDS": 300}  # public pages, as behind nginx without purges


def test_the_script_posts_with_a_token_of_its_own(page, live_app, live_site, host_site):
    page.goto(thread_page_url(live_app, live_site, host_site))
    assert page.locator("main.thread").get_attribute("data-token-url")
    with page.expect_response("**/token?**") as token_response:
        page.get_by_label("Name").fill("Ann")  # the first focus in the form fetches it
    assert token_response.value.ok
    page.get_by_label("Comment").fill("Posted with my own token")
    page.get_by_role("button", name="Post comment").click()
    page.locator("article.comment .comment-body").wait_for()
    assert page.locator("article.comment .comment-body").inner_text() == "Posted with my own token"
    assert page.get_by_text(CONFIRM).count() == 0


def test_without_scripts_the_post_is_confirmed_once(browser, live_app, live_site, host_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("No script, one more click")
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    page.get_by_text(CONFIRM).wait_for()
    assert page.locator(".comment-preview .comment-body").inner_text() == "No script, one more click"
    assert page.get_by_label("Name").input_value() == "Ann"
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#c-1")
    assert page.locator("#c-1 .comment-body").inner_text() == "No script, one more click"
    context.close()
