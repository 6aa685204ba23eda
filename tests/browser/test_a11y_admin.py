"""The dashboard in a real browser: the seeded dashboard every browser test of it uses
(and its list of pages), and in Arabic it is laid out right to left."""

import pytest

from tests.admin.conftest import make_admin
from tests.browser.axe import axe_problems
from tests.browser.conftest import sign_in_to_dashboard
from tests.conftest import make_comment, make_thread
from widget.accounts.models import Account, AccountIdentity
from widget.accounts.sso import ensure_secret
from widget.extensions import db
from widget.models import CommentStatus, ModerationMode, utcnow
from widget.threads import find_site

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard(live_app, live_site, host_site):
    return seed_dashboard(live_app, live_site, host_site.origin + "/article.html")


def seed_dashboard(live_app, site_key, article_url):
    """A moderated site with comments in every state, a ban, a webhook and a superadmin;
    the ids the dashboard's pages need."""
    with live_app.app_context():
        site = find_site(site_key)
        site.moderation = ModerationMode.ALL
        db.session.commit()
        thread = make_thread(site, url=article_url, title="An article")
        first = make_comment(thread, "A published comment with a [link](https://example.org).",
                             author="Ann", email="ann@example.org", website="https://ann.example")
        pending = make_comment(thread, "Waiting for a moderator", author="Bob", parent=first,
                               status=CommentStatus.PENDING, email="bob@example.org",
                               ip_hash="ab" * 32)
        make_comment(thread, "Buy now", author="Spammer", status=CommentStatus.SPAM)
        member = make_account(site, "Kevin", email="kevin@example.org")
        make_comment(thread, "Signed in and waiting", author="Kevin", account_id=member.id,
                     verified_via="sso:blog.example.com", status=CommentStatus.PENDING)
        banned = make_account(site, "Troll", banned_at=utcnow())
        make_comment(thread, "Banned and published", author="Troll", account_id=banned.id,
                     verified_via="email")
        ensure_secret(site)  # the site page shows it, with the Rotate form
        make_admin("boss@example.org")
        _webhook_with_deliveries(site, first)
        return {"site": site.id, "pending": pending.id, "member": member.id,
                "banned": banned.id}


def make_account(site, name, **fields):
    account = Account(site_id=site.id, display_name=name, name_skeleton=name.lower(),
                      name_shape=name, **fields)
    account.identities.append(AccountIdentity(site_id=site.id, provider="sso", subject=name))
    db.session.add(account)
    db.session.commit()
    return account


def _webhook_with_deliveries(site, comment):
    """The webhooks page with rows in every state: delivered, queued to retry, given up."""
    from widget.models import utcnow
    from widget.webhooks.models import WebhookAttempt, WebhookDelivery
    from widget.webhooks.rules import create_webhook

    webhook = create_webhook(site, "https://hooks.example.com/in", ["comment.created"], "slack")
    for status_code, error, state in ((204, None, "delivered_at"), (500, "HTTP 500", None),
                                      (None, "ConnectError: refused", "failed_at")):
        delivery = WebhookDelivery(webhook_id=webhook.id, event="comment.created",
                                   comment_id=comment.id, payload={}, attempts=1,
                                   last_status_code=status_code, last_error=error)
        if state:
            setattr(delivery, state, utcnow())
        db.session.add(delivery)
        db.session.flush()
        db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=status_code,
                                      error=error, duration_ms=120))
    db.session.commit()


def admin_pages(dashboard):
    return ["/admin/", "/admin/comments", "/admin/comments?status=all", "/admin/threads",
            "/admin/sites", f"/admin/sites/{dashboard['site']}", "/admin/sites/new",
            "/admin/bans", f"/admin/bans/new?comment={dashboard['pending']}", "/admin/audit",
            f"/admin/comments/{dashboard['pending']}/edit",
            f"/admin/commenters/{dashboard['member']}", f"/admin/commenters/{dashboard['banned']}",
            f"/admin/comments?account={dashboard['member']}&status=all",
            f"/admin/sites/{dashboard['site']}/webhooks"]


# Every dashboard page passing axe, light and dark, in every language: that is in
# tests/browser/test_every_page.py.


def test_dashboard_in_arabic_is_right_to_left_and_passes_axe(context_for, live_app, dashboard):
    page = context_for("light", locale="ar")  # the browser's Accept-Language
    sign_in_to_dashboard(page, live_app)
    page.goto(live_app.base_url + "/admin/comments")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "قائمة المراجعة"
    assert axe_problems(page) == []
