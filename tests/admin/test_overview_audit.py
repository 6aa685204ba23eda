"""The overview's numbers and latest comments, and the audit log with its filters."""

import re
from datetime import timedelta

from sqlalchemy import select

from widget.extensions import db
from widget.mail import links
from widget.models import AuditEntry, CommentStatus, utcnow

from .conftest import OTHER_ARTICLE, csrf_of, make_admin, make_comment, make_thread, pending


def overview_row(html, site):
    row = re.search(rf'<a href="/admin/sites/{site.id}">{site.name}</a>.*?</tr>', html, re.S)
    row = row.group(0)
    return [int(n) for n in re.findall(r'<td [^>]*class="num"[^>]*>(?:<a [^>]*>)?(\d+)', row)]


def test_overview_counts_per_site_and_lists_the_latest(dashboard, site, other_site):
    thread = make_thread(site)
    make_comment(thread, "Yesterday's", created_at=utcnow() - timedelta(days=1, hours=1))
    make_comment(thread, "Today's published")
    pending(thread, "Today's pending")
    make_comment(thread, "Today's spam", status=CommentStatus.SPAM)
    pending(make_thread(other_site, url=OTHER_ARTICLE), "Other pending")

    html = dashboard.get("/admin/").text
    # pending, received today, published in total
    assert overview_row(html, site) == [1, 3, 2]
    assert overview_row(html, other_site) == [1, 1, 0]
    assert f'href="/admin/comments?site={site.id}"' in html
    latest = html[html.index("Latest comments"):]
    assert latest.index("Other pending") < latest.index("Today&#39;s pending") \
        < latest.index("Yesterday&#39;s")


def test_overview_of_an_empty_dashboard(dashboard):
    html = dashboard.get("/admin/").text
    assert "No sites yet." in html and "No comments yet." in html


def test_every_moderation_action_is_in_the_audit_log(dashboard, site, superadmin):
    comment = pending(make_thread(site), "Logged words")
    dashboard.post(f"/admin/comments/{comment.id}/moderate", data={"action": "approve"})
    dashboard.post(f"/admin/comments/{comment.id}/moderate", data={"action": "delete"})
    html = dashboard.get("/admin/audit").text
    rows = re.findall(r"<tr>\s*<td[^>]*><time.*?</tr>", html, re.S)
    assert len(rows) == 2
    assert "deleted" in rows[0] and "approved → deleted" in rows[0]
    assert "approved" in rows[1] and "awaiting moderation → approved" in rows[1]
    for row in rows:
        assert superadmin.email in row and f"#{comment.id}" in row and site.name in row
        assert "<time datetime=" in row


def test_the_audit_log_filters_by_admin_and_site(dashboard, site, other_site, superadmin):
    helper = make_admin("helper@example.org", sites=[site])
    db.session.add_all([
        AuditEntry(admin_id=superadmin.id, action="approve", site_id=site.id,
                   details="boss on blog"),
        AuditEntry(admin_id=helper.id, action="spam", site_id=site.id, details="helper on blog"),
        AuditEntry(admin_id=superadmin.id, action="delete", site_id=other_site.id,
                   details="boss on other"),
    ])
    db.session.commit()

    def details(query):
        html = dashboard.get("/admin/audit" + query).text
        return re.findall(r'<td [^>]*class="details"[^>]*>([^<]*)</td>', html)

    assert details("") == ["boss on other", "helper on blog", "boss on blog"]
    assert details(f"?admin={helper.id}") == ["helper on blog"]
    assert details(f"?site={other_site.id}") == ["boss on other"]
    assert details(f"?admin={superadmin.id}&site={site.id}") == ["boss on blog"]
    assert details("?admin=&site=") == ["boss on other", "helper on blog", "boss on blog"]
    page = dashboard.get(f"/admin/audit?site={site.id}").text
    assert f'<option value="{site.id}" selected>' in page
    assert '<option value="%d">helper@example.org</option>' % helper.id in page


def test_a_moderator_sees_only_their_sites_history(moderator_board, site, other_site, superadmin):
    db.session.add_all([
        AuditEntry(admin_id=superadmin.id, action="approve", site_id=site.id, details="on blog"),
        AuditEntry(admin_id=superadmin.id, action="delete", site_id=other_site.id,
                   details="on other"),
        AuditEntry(admin_id=superadmin.id, action="ban", site_id=None, details="everywhere"),
    ])
    db.session.commit()
    html = moderator_board.get("/admin/audit").text
    assert "on blog" in html and "on other" not in html and "everywhere" not in html


def test_moderation_through_an_emailed_link_is_in_the_audit_log(client, dashboard, site):
    comment = pending(make_thread(site), "Mailed words")
    link = "/mail/moderate/" + links.moderate_token(comment, "approve", "mod@example.com")
    page = client.get(link).text
    client.post(link, data={"csrf_token": csrf_of(page)})
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.admin_id, entry.action, entry.comment_id, entry.site_id,
            entry.from_status, entry.to_status) == (None, "approve", comment.id, site.id,
                                                    "pending", "approved")
    assert "emailed to mod@example.com" in entry.details
    assert "emailed to mod@example.com" in dashboard.get("/admin/audit").text
