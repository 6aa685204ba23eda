"""Small things a reader meets, in a real browser: tap targets of at least 24 px (Arabic
"Reply" included), the heading after posting on a moderated site, the 413 page's promise
that Back returns to the text, and no 404 for the icon."""

import pytest
from sqlalchemy import select

from tests.browser.axe import axe_problems
from tests.browser.test_thread_in_browser import thread_page_url
from tests.conftest import make_comment, make_thread
from widget.extensions import db
from widget.models import ModerationMode, Site

pytestmark = pytest.mark.browser

TARGETS = ("button, a.comment-reply-to, .thread-sort a, input[type=checkbox], "
           ".comment > footer a")


def _seed(live_app, live_site, host_site, moderated=False):
    with live_app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == live_site))
        site.likes_enabled = True
        if moderated:
            site.moderation = ModerationMode.ALL
        db.session.commit()
        if not moderated:
            thread = make_thread(site, url=host_site.origin + "/article.html")
            first = make_comment(thread, "One, with code:\n\n```\n" + "wide_line() " * 40 + "\n```")
            make_comment(thread, "Two", parent=first)


def test_tap_targets_are_at_least_24_px(context_for, live_app, live_site, host_site):
    _seed(live_app, live_site, host_site)
    page = context_for("light", viewport={"width": 320, "height": 800})
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    small = {}
    for language in ("en", "ar", "de"):
        page.goto(thread_page_url(live_app, live_site, host_site) + f"&lang={language}")
        page.locator(".replies-toggle").first.wait_for()
        found = page.evaluate(f"""() => [...document.querySelectorAll("{TARGETS}")]
          .filter(el => el.getClientRects().length && !el.closest("[aria-hidden=true]"))
          .map(el => [el.textContent.trim() || el.outerHTML.slice(0, 60),
                      el.getBoundingClientRect().width, el.getBoundingClientRect().height])
          .filter(([, width, height]) => width < 24 || height < 24)""")
        if found:
            small[language] = found
        if language == "en":  # the wide code block scrolls, and the keyboard reaches it
            assert page.locator("pre").evaluate("el => el.scrollWidth > el.clientWidth")
            assert axe_problems(page) == []
    assert small == {}
    assert missing == []


def test_after_posting_on_a_moderated_site_the_heading_is_not_no_comments_yet(
        page, live_app, live_site, host_site):
    _seed(live_app, live_site, host_site, moderated=True)
    page.goto(thread_page_url(live_app, live_site, host_site))
    assert page.locator(".thread-count").inner_text() == "No comments yet"
    page.get_by_label("Comment").fill("Mine, awaiting a moderator")
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    page.locator("article.comment-pending").wait_for()
    assert page.locator(".thread-count").inner_text() == "0 comments"


@pytest.mark.parametrize("live_app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_the_413_page_back_button_returns_to_the_typed_text(browser, live_app, live_site,
                                                            host_site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(thread_page_url(live_app, live_site, host_site))
    page.get_by_label("Comment").fill("y" * 5000)
    page.get_by_label("Name").fill("Ann")
    page.get_by_role("button", name="Post comment").click()
    assert "Back" in page.locator("main").inner_text()
    page.go_back()
    assert page.get_by_label("Comment").input_value() == "y" * 5000
    context.close()
