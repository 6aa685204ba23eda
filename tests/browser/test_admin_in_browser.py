"""The dashboard in a real browser: sign in, approve one comment, bulk-delete two, and
see the public thread change."""

from urllib.parse import quote

import pytest

from tests.admin.conftest import PASSWORD, make_admin
from tests.conftest import make_comment, make_thread
from widget.extensions import db
from widget.models import CommentStatus, ModerationMode
from widget.threads import find_site

pytestmark = pytest.mark.browser


@pytest.fixture
def queued(live_app, live_site, host_site):
    """Three comments awaiting moderation on an article of the host site."""
    article = host_site.origin + "/article.html"
    with live_app.app_context():
        site = find_site(live_site)
        site.moderation = ModerationMode.ALL
        db.session.commit()
        thread = make_thread(site, url=article, title="An article")
        comments = {
            name: make_comment(thread, f"Words of {name}", author=name,
                               status=CommentStatus.PENDING, email=f"{name.lower()}@example.org")
            for name in ("Ann", "Bob", "Cy")
        }
        make_admin("boss@example.org")
        return {name: comment.id for name, comment in comments.items()}, article


def test_sign_in_approve_and_bulk_delete(page, live_app, live_site, queued):
    ids, article = queued
    thread_page = f"{live_app.base_url}/t/{live_site}?url={quote(article, safe='')}"
    page.goto(thread_page)
    assert page.locator("article.comment").count() == 0
    assert page.locator(".thread-count").inner_text() == "No comments yet"

    page.goto(live_app.base_url + "/admin/")
    page.wait_for_url("**/admin/login?next=/admin/")
    page.get_by_label("Email").fill("boss@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(live_app.base_url + "/admin/")
    page.get_by_role("link", name="Queue").click()
    items = page.locator("li.queue-item")
    assert items.count() == 3

    page.get_by_role("button", name=f"Approve comment #{ids['Ann']} by Ann").click()
    page.get_by_text(f"Comment #{ids['Ann']} by Ann approved.").wait_for()
    assert items.count() == 2

    # "Select all" is the script's: it ticks both remaining comments.
    page.get_by_label("Select all on this page").check()
    assert page.get_by_label(f"Select comment #{ids['Bob']} by Bob").is_checked()
    assert page.get_by_label(f"Select comment #{ids['Cy']} by Cy").is_checked()
    page.get_by_label("With the selected comments").select_option(label="Delete")
    page.get_by_role("button", name="Apply to selected").click()
    page.get_by_text("2 comments deleted.").wait_for()
    assert page.get_by_text("Nothing awaits moderation.").is_visible()

    page.goto(thread_page)
    assert page.locator(".thread-count").inner_text() == "1 comment"
    assert page.locator(f"#c-{ids['Ann']} .comment-body").inner_text() == "Words of Ann"
    assert page.locator("article.comment").count() == 1

    page.goto(live_app.base_url + "/admin/audit")
    assert page.locator("table.audit-table tbody tr").count() == 3
