"""The moderation queue: what it lists, its filters and pages, and every action on it."""

import re

import pytest
from sqlalchemy import select

from widget.extensions import db
from widget.models import (
    AuditEntry,
    Comment,
    CommentStatus,
    MailAddress,
    OutboxMessage,
    Thread,
    utcnow,
)

from .conftest import (
    ARTICLE,
    OTHER_ARTICLE,
    make_comment,
    make_thread,
    pending,
    post_as_reader,
    thread_url,
)


def queue_ids(html):
    return [int(found) for found in re.findall(r'<li class="queue-item[^"]*" id="q-(\d+)"', html)]


def version(thread):
    return db.session.get(Thread, thread.id).version


def status_of(comment):
    return db.session.get(Comment, comment.id).status


def audit_rows():
    return db.session.execute(
        select(AuditEntry.action, AuditEntry.comment_id, AuditEntry.from_status,
               AuditEntry.to_status).order_by(AuditEntry.id)
    ).all()


def test_queue_lists_pending_comments_newest_first_with_their_context(dashboard, site, other_site):
    thread = make_thread(site, title="Hello world")
    parent = make_comment(thread, "The parent comment, which is rather long " * 10, author="Ann")
    older = pending(thread, "Older pending", author="Bob")
    newer = pending(thread, "Newer *pending*", parent=parent, author="Cy",
                    email="cy@example.org", website="https://cy.example", ip_hash="f" * 64)
    elsewhere = pending(make_thread(other_site, url=OTHER_ARTICLE), "On the other site")
    make_comment(thread, "Spam", status=CommentStatus.SPAM)

    html = dashboard.get("/admin/comments").text
    assert queue_ids(html) == [elsewhere.id, newer.id, older.id]  # approved and spam: not pending
    item = html[html.index(f'id="q-{newer.id}"'):html.index(f'id="q-{older.id}"')]
    assert "<em>pending</em>" in item  # the sanitized HTML
    assert "cy@example.org" in item and 'href="https://cy.example"' in item
    assert "ffffffffffff…" in item and f'title="{"f" * 64}"' in item
    assert f'href="{ARTICLE}"' in item and "Hello world" in item
    # The parent's author and text are isolated: they read in their own direction.
    assert "In reply to <bdi><strong>Ann</strong></bdi>: <bdi>The parent comment" in item
    assert "..." in item  # the parent is an excerpt
    assert 'data-select-item' in item and 'form="bulk-form"' in item


def test_queue_filters_by_site_status_thread_and_text(dashboard, site, other_site):
    first = make_thread(site, title="First")
    second = make_thread(site, url=ARTICLE + "/2", title="Second")
    a = pending(first, "About cats", author="Ann")
    b = pending(second, "About dogs", author="Bob", email="bob@dogs.example")
    c = make_comment(first, "Approved cats", author="Cy")
    d = pending(make_thread(other_site, url=OTHER_ARTICLE), "Other cats")
    cases = {
        f"?site={site.id}": [b.id, a.id],
        f"?site={other_site.id}": [d.id],
        "?status=approved": [c.id],
        "?status=all": [d.id, c.id, b.id, a.id],
        f"?thread={first.id}&status=all": [c.id, a.id],
        "?q=CATS&status=all": [d.id, c.id, a.id],
        "?q=dogs.example": [b.id],
        "?q=100%": [],
        f"?q=cats&site={site.id}&status=all": [c.id, a.id],
    }
    for query, expected in cases.items():
        response = dashboard.get("/admin/comments" + query)
        assert response.status_code == 200, query
        assert queue_ids(response.text) == expected, query
    assert "No comments match these filters." in dashboard.get("/admin/comments?q=zzz").text
    quiet = make_thread(site, url=ARTICLE + "/quiet")
    assert "Nothing awaits moderation." in dashboard.get(f"/admin/comments?thread={quiet.id}").text


def test_unknown_filter_values_are_refused_clearly(dashboard, site):
    assert dashboard.get("/admin/comments?status=bogus").status_code == 400
    assert dashboard.get("/admin/comments?site=abc").status_code == 404
    assert dashboard.get("/admin/comments?thread=999").status_code == 404


def test_queue_pages_hold_25(dashboard, site):
    thread = make_thread(site)
    comments = [pending(thread, f"Comment {index}") for index in range(30)]
    first = dashboard.get("/admin/comments")
    assert queue_ids(first.text) == [c.id for c in reversed(comments)][:25]
    assert "Page 1 of 2" in first.text and 'rel="next"' in first.text
    second = dashboard.get("/admin/comments?page=2")
    assert queue_ids(second.text) == [c.id for c in reversed(comments)][25:]
    assert dashboard.get("/admin/comments?page=9").status_code == 200


@pytest.mark.parametrize("action, start, end", [
    ("approve", CommentStatus.PENDING, CommentStatus.APPROVED),
    ("spam", CommentStatus.PENDING, CommentStatus.SPAM),
    ("delete", CommentStatus.PENDING, CommentStatus.DELETED),
    ("restore", CommentStatus.DELETED, CommentStatus.APPROVED),
    ("approve", CommentStatus.SPAM, CommentStatus.APPROVED),
])
def test_one_comment_at_a_time(dashboard, site, superadmin, action, start, end):
    thread = make_thread(site)
    comment = make_comment(thread, "Hi", status=start, author="Ann")
    before = version(thread)
    response = dashboard.post(f"/admin/comments/{comment.id}/moderate",
                              data={"action": action, "next": "/admin/comments?status=all"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/comments?status=all"
    assert status_of(comment) == end
    assert version(thread) == before + 1
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.admin_id, entry.action, entry.comment_id, entry.site_id,
            entry.from_status, entry.to_status) == (superadmin.id, action, comment.id, site.id,
                                                    start.value, end.value)
    assert "Comment #%d by Ann" % comment.id in dashboard.get("/admin/comments").text  # flashed


def test_an_action_that_changes_nothing_is_not_logged(dashboard, site):
    thread = make_thread(site)
    comment = make_comment(thread, "Hi")
    before = version(thread)
    dashboard.post(f"/admin/comments/{comment.id}/moderate", data={"action": "approve"})
    assert version(thread) == before
    assert audit_rows() == []
    assert "already approved" in dashboard.get("/admin/comments").text


def test_unknown_action_is_refused(dashboard, site):
    comment = pending(make_thread(site))
    response = dashboard.post(f"/admin/comments/{comment.id}/moderate", data={"action": "nuke"})
    assert response.status_code == 422
    assert "Unknown action." in response.text
    assert status_of(comment) == CommentStatus.PENDING
    assert dashboard.post("/admin/comments/999/moderate",
                          data={"action": "approve"}).status_code == 404


def test_the_next_url_stays_inside_the_dashboard(dashboard, site):
    comment = pending(make_thread(site))
    response = dashboard.post(f"/admin/comments/{comment.id}/moderate",
                              data={"action": "approve", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/admin/comments"


def test_bulk_actions(dashboard, site, other_site):
    thread = make_thread(site)
    other_thread = make_thread(other_site, url=OTHER_ARTICLE)
    a, b, c = (pending(thread, f"Comment {n}") for n in "abc")
    d = pending(other_thread, "Elsewhere")
    versions = version(thread), version(other_thread)
    response = dashboard.post("/admin/comments/bulk",
                              data={"action": "delete", "ids": [a.id, b.id, d.id]})
    assert response.status_code == 303
    assert [status_of(x) for x in (a, b, c, d)] == [
        CommentStatus.DELETED, CommentStatus.DELETED, CommentStatus.PENDING, CommentStatus.DELETED]
    assert (version(thread), version(other_thread)) == (versions[0] + 1, versions[1] + 1)
    assert [row.comment_id for row in audit_rows()] == [a.id, b.id, d.id]
    assert "3 comments deleted." in dashboard.get("/admin/comments").text

    dashboard.post("/admin/comments/bulk", data={"action": "restore", "ids": [a.id, c.id]})
    assert status_of(a) == CommentStatus.APPROVED
    assert status_of(c) == CommentStatus.APPROVED  # pending → approved by "restore" too


@pytest.mark.parametrize("data, message", [
    ({"action": "delete"}, "Select at least one comment first."),
    ({"action": "delete", "ids": "abc"}, "Select at least one comment first."),
    ({"action": "explode", "ids": "1"}, "Not a valid choice"),
])
def test_bulk_refuses_bad_input_and_changes_nothing(dashboard, site, data, message):
    comment = pending(make_thread(site))
    response = dashboard.post("/admin/comments/bulk", data=data, follow_redirects=True)
    assert message in response.text
    assert status_of(comment) == CommentStatus.PENDING
    assert audit_rows() == []


def test_bulk_with_an_unknown_id_changes_nothing(dashboard, site):
    comment = pending(make_thread(site))
    response = dashboard.post("/admin/comments/bulk",
                              data={"action": "delete", "ids": [comment.id, 9999]})
    assert response.status_code == 404
    assert status_of(comment) == CommentStatus.PENDING


def test_editing_a_comment_sanitizes_it_again_and_logs_the_old_text(dashboard, site, client):
    thread = make_thread(site)
    comment = make_comment(thread, "Original text")
    page = dashboard.get(f"/admin/comments/{comment.id}/edit")
    assert page.status_code == 200
    assert "Original text" in page.text and ">Comment text (Markdown)</label>" in page.text
    before = version(thread)
    response = dashboard.post(f"/admin/comments/{comment.id}/edit", data={
        "text": "Fixed **typo** <script>alert(1)</script> [x](javascript:alert(1))",
        "next": "/admin/comments?status=approved",
    })
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/comments?status=approved"
    edited = db.session.get(Comment, comment.id)
    assert "<strong>typo</strong>" in edited.html
    assert "<script" not in edited.html and "&lt;script&gt;" in edited.html
    assert "href=\"javascript" not in edited.html
    assert edited.edited_at is not None
    assert version(thread) == before + 1
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "edit" and "Original text" in entry.details
    assert "<strong>typo</strong>" in client.get(thread_url(site)).text


@pytest.mark.parametrize("text, message", [
    ("", "A comment cannot be empty."),
    ("x" * 51, "this site&#39;s limit is 50"),
])
def test_an_invalid_edit_is_refused_and_keeps_the_text(dashboard, site, text, message):
    site.max_comment_length = 50
    db.session.commit()
    comment = make_comment(make_thread(site), "Original")
    response = dashboard.post(f"/admin/comments/{comment.id}/edit", data={"text": text})
    assert response.status_code == 422
    assert message in response.text
    if text:
        assert text in response.text
    assert db.session.get(Comment, comment.id).text == "Original"
    assert audit_rows() == []


def test_deleting_keeps_the_conversation_readable(dashboard, client, site):
    thread = make_thread(site)
    parent = make_comment(thread, "Parent words")
    reply = make_comment(thread, "Reply words", parent=parent)
    lonely = make_comment(thread, "Lonely words")
    dashboard.post("/admin/comments/bulk", data={"action": "delete", "ids": [parent.id, lonely.id]})
    html = client.get(thread_url(site)).text
    assert "Parent words" not in html and "[deleted]" in html
    assert f'id=c-{parent.id} ' in html
    assert f'id=c-{reply.id} data-parent={parent.id}>' in html and "Reply words" in html
    assert "Lonely words" not in html and f'id=c-{lonely.id} ' not in html

    dashboard.post(f"/admin/comments/{parent.id}/moderate", data={"action": "restore"})
    html = client.get(thread_url(site)).text
    assert "Parent words" in html and "[deleted]" not in html


def test_a_pending_comment_shows_only_to_its_author_until_approved(app, dashboard, site):
    site.moderation = "all"
    db.session.commit()
    author = app.test_client()
    response = post_as_reader(author, site, "My pending words")
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.status == CommentStatus.PENDING
    own_view = author.get(thread_url(site)).text
    assert "My pending words" in own_view and "awaiting moderation" in own_view
    stranger = app.test_client()
    assert "My pending words" not in stranger.get(thread_url(site)).text

    def count_shown():
        return stranger.get("/api/counts", query_string={"site": site.key, "url": ARTICLE}).json[
            "counts"][ARTICLE]

    assert count_shown() == 0  # count.js counts approved comments only
    assert comment.id in queue_ids(dashboard.get("/admin/comments").text)
    dashboard.post(f"/admin/comments/{comment.id}/moderate", data={"action": "approve"})
    html = stranger.get(thread_url(site)).text
    assert "My pending words" in html and "awaiting moderation" not in html
    assert count_shown() == 1
    dashboard.post(f"/admin/comments/{comment.id}/moderate", data={"action": "delete"})
    assert count_shown() == 0


def test_a_website_that_is_not_http_is_shown_as_text(dashboard, site):
    """Imported comments may carry any website value: only http(s) becomes a link."""
    pending(make_thread(site), website="javascript:alert(1)")
    html = dashboard.get("/admin/comments").text
    assert 'href="javascript:' not in html
    assert "<dd>javascript:alert(1)</dd>" in html


def test_approving_a_reply_emails_the_author_it_answers(app, dashboard, site):
    app.config["MAIL_SERVER"] = "127.0.0.1"  # mail on; nothing is sent, it is queued
    thread = make_thread(site)
    parent = make_comment(thread, "Parent", email="ann@example.com", notify_replies=True)
    db.session.add(MailAddress(email="ann@example.com", confirmed_at=utcnow()))
    db.session.commit()
    reply = pending(thread, "A reply", parent=parent, author="Bob")
    dashboard.post(f"/admin/comments/{reply.id}/moderate", data={"action": "approve"})
    [message] = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == "ann@example.com" and "Bob replied" in message.subject
    # Deleting and restoring it does not announce it a second time.
    dashboard.post(f"/admin/comments/{reply.id}/moderate", data={"action": "delete"})
    dashboard.post(f"/admin/comments/{reply.id}/moderate", data={"action": "restore"})
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1
