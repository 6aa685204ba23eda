"""The admin API: tokens (hashed, scoped, revocable), the queue, moderation and bans
through the dashboard's functions (so audited), and the export."""

import json

import pytest
from sqlalchemy import select

from tests.admin.conftest import make_admin
from tests.api.conftest import bearer, make_token
from tests.conftest import make_comment, make_site, make_thread
from widget.api.models import ApiToken, hash_token
from widget.api.tokens import revoke_token
from widget.extensions import db
from widget.models import AuditEntry, Ban, Comment, CommentStatus


@pytest.fixture
def queued(site):
    thread = make_thread(site)
    return make_comment(thread, "Wait for me", status=CommentStatus.PENDING,
                        email="ann@example.org", ip_hash="a" * 64)


def queue_of(site):
    return f"/api/v1/admin/sites/{site.key}/queue"


def moderate_path(site, comment):
    return f"/api/v1/admin/sites/{site.key}/comments/{comment.id}/moderate"


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_without_a_valid_token_401(client, site, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(queue_of(site), headers=headers)
    assert response.status_code == 401 and response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_token_is_stored_hashed_and_revocable(client, site, superadmin):
    secret = make_token(superadmin, [site])
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash == hash_token(secret) and secret not in (stored.hint + stored.name)
    assert client.get(queue_of(site), headers=bearer(secret)).status_code == 200
    assert db.session.get(ApiToken, stored.id).last_used_at is not None
    revoke_token(db.session.get(ApiToken, stored.id))
    db.session.commit()
    assert client.get(queue_of(site), headers=bearer(secret)).status_code == 401


def test_queue_lists_pending_with_what_moderators_see(client, site, superadmin, queued):
    secret = make_token(superadmin, [site], scope="read")
    body = client.get(queue_of(site), headers=bearer(secret)).json
    assert body["total"] == 1 and body["pages"] == 1
    (shown,) = body["comments"]
    assert shown["id"] == queued.id and shown["email"] == "ann@example.org"
    assert shown["ip_hash"] == "a" * 64 and shown["status"] == "pending"
    spam = client.get(queue_of(site) + "?status=spam", headers=bearer(secret)).json
    assert spam["comments"] == []


def test_a_site_beyond_the_token_is_absent(client, site, superadmin, queued):
    other = make_site("Other", origins=("https://other.example.com",))
    secret = make_token(superadmin, [other])
    assert client.get(queue_of(site), headers=bearer(secret)).status_code == 404
    response = client.post(moderate_path(other, queued), json={"action": "approve"},
                           headers=bearer(secret))
    assert response.status_code == 404
    assert db.session.get(Comment, queued.id).status == CommentStatus.PENDING


def test_a_moderator_token_stops_at_the_moderators_sites(client, site, queued):
    other = make_site("Other", origins=("https://other.example.com",))
    moderator = make_admin("mod@example.org", sites=[other])
    from widget.api.tokens import TokenRefused, create_token

    with pytest.raises(TokenRefused):
        create_token(moderator, "script", "moderate", [site])
    db.session.rollback()


@pytest.mark.parametrize(("action", "status"), [("approve", CommentStatus.APPROVED),
                                                ("spam", CommentStatus.SPAM),
                                                ("delete", CommentStatus.DELETED)])
def test_moderation_is_audited(client, site, superadmin, queued, action, status):
    secret = make_token(superadmin, [site])
    response = client.post(moderate_path(site, queued), json={"action": action},
                           headers=bearer(secret))
    assert response.status_code == 200
    assert response.json == {"id": queued.id, "status": status.value, "changed": True}
    assert db.session.get(Comment, queued.id).status == status
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.admin_id, entry.comment_id) == (action, superadmin.id, queued.id)
    again = client.post(moderate_path(site, queued), json={"action": action},
                        headers=bearer(secret))
    assert again.json["changed"] is False


def test_read_token_may_not_moderate(client, site, superadmin, queued):
    secret = make_token(superadmin, [site], scope="read")
    response = client.post(moderate_path(site, queued), json={"action": "approve"},
                           headers=bearer(secret))
    assert response.status_code == 403 and response.json["message"]
    ban = client.post(f"/api/v1/admin/sites/{site.key}/bans", json={"target": "x@example.org"},
                      headers=bearer(secret))
    assert ban.status_code == 403
    assert db.session.get(Comment, queued.id).status == CommentStatus.PENDING
    assert db.session.scalar(select(Ban)) is None


def test_bad_action_is_a_field_error(client, site, superadmin, queued):
    secret = make_token(superadmin, [site])
    response = client.post(moderate_path(site, queued), json={"action": "burn"},
                           headers=bearer(secret))
    assert response.status_code == 422 and "action" in response.json["errors"]


def test_ban_by_email_and_ip(client, site, superadmin):
    secret = make_token(superadmin, [site])
    path = f"/api/v1/admin/sites/{site.key}/bans"
    by_email = client.post(path, json={"target": "Troll@Example.org", "reason": "spam"},
                           headers=bearer(secret))
    assert by_email.status_code == 201 and "troll@example.org" in by_email.json["description"]
    by_ip = client.post(path, json={"target": "192.0.2.7"}, headers=bearer(secret))
    assert by_ip.status_code == 201
    bans = db.session.scalars(select(Ban).order_by(Ban.id)).all()
    assert [ban.email for ban in bans] == ["troll@example.org", None]
    assert all(ban.site_id == site.id for ban in bans) and len(bans[1].ip_hash) == 64
    assert [entry.action for entry in db.session.scalars(select(AuditEntry))] == ["ban", "ban"]
    bad = client.post(path, json={"target": "nobody"}, headers=bearer(secret))
    assert bad.status_code == 422 and "target" in bad.json["errors"]
    assert len(db.session.scalars(select(Ban)).all()) == 2


def test_export_is_the_export_format(client, site, superadmin, queued, runner):
    secret = make_token(superadmin, [site], scope="read")
    response = client.get(f"/api/v1/admin/sites/{site.key}/export", headers=bearer(secret))
    assert response.status_code == 200
    assert response.json["format"] and response.json["sites"][0]["key"] == site.key
    emails = [c["email"] for t in response.json["sites"][0]["threads"] for c in t["comments"]]
    assert emails == ["ann@example.org"]
    from_cli = json.loads(runner.invoke(args=["export", "--site", site.key]).output)
    assert response.json == from_cli
    assert db.session.scalar(select(AuditEntry)).action == "export"


def test_export_needs_a_superadmins_token(client, site):
    moderator = make_admin("mod@example.org", sites=[site])
    secret = make_token(moderator, [site], scope="read")
    response = client.get(f"/api/v1/admin/sites/{site.key}/export", headers=bearer(secret))
    assert response.status_code == 403
