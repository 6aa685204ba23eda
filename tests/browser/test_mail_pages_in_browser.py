"""The pages behind mail links, in a real browser: they name the site and the article,
offer a next step ("Back to the article"), keep "Delete comment" from looking like the
safe main action, and pass axe (no serious or critical violation) in light and dark."""

import pytest
from sqlalchemy import select

from tests.browser.axe import axe_problems
from tests.conftest import make_comment, make_thread
from widget.extensions import db
from widget.mail import links
from widget.models import CommentStatus, Site

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_mail_link_pages_are_branded_and_pass_axe(context_for, live_app, live_site, host_site,
                                                  color_scheme):
    with live_app.app_context(), live_app.test_request_context():
        site = db.session.scalar(select(Site).where(Site.key == live_site))
        thread = make_thread(site, url=host_site.origin + "/article.html", title="An article")
        comment = make_comment(thread, "Waiting", author="Bob", email="bob@example.org",
                               status=CommentStatus.PENDING)
        paths = {
            "confirm": f"/mail/confirm/{links.confirm_token('bob@example.org', comment.id)}",
            "unsubscribe": f"/mail/unsubscribe/{links.unsubscribe_token('bob@example.org', comment.id)}",
            "approve": f"/mail/moderate/{links.moderate_token(comment, 'approve', 'mod@example.com')}",
            "delete": f"/mail/moderate/{links.moderate_token(comment, 'delete', 'mod@example.com')}",
        }
    page = context_for(color_scheme)
    problems = {}
    for name, path in paths.items():
        for step in ("ask", "done"):
            if step == "ask":
                page.goto(live_app.base_url + path)
            else:
                page.locator("main form button[type=submit]").click()
                page.locator("main h1").wait_for()
            main = page.locator("main")
            assert "Comments on Host" in main.inner_text(), (name, step)
            assert main.get_by_role("link", name="An article").count() >= 1, (name, step)
            assert main.get_by_role("link", name="Back to the article").get_attribute(
                "href").startswith(host_site.origin + "/article.html"), (name, step)
            found = axe_problems(page)
            if found:
                problems[f"{name} ({step})"] = found
            if name == "delete" and step == "ask":
                button = page.get_by_role("button", name="Delete comment")
                assert "button-primary" not in button.get_attribute("class")
                colours = button.evaluate(
                    "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]")
                body = page.evaluate("getComputedStyle(document.body).backgroundColor")
                assert colours[1] == body  # not a filled, inviting button
            if name in ("approve", "delete") and step == "done":
                assert page.get_by_role("link", name="Open the moderation queue").count() == 1
            if name == "approve":
                break  # approving then deleting the same comment: "delete" below does it
    assert problems == {}
