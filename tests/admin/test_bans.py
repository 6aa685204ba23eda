"""Bans: made from the queue or by hand, for one site or all, enforced on posting."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from widget.bans import find_ban
from widget.extensions import db
from widget.models import AuditEntry, Ban, Comment, Thread
from widget.privacy import hash_ip

from .conftest import OTHER_ARTICLE, make_comment, make_thread, pending, post_as_reader

REFUSAL = "You cannot comment on this site: an administrator has blocked your comments."


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_ban_form_is_prefilled_from_a_queued_comment(dashboard, site):
    comment = pending(make_thread(site), email="Troll@Example.org", ip_hash="a" * 64)
    html = dashboard.get(f"/admin/bans/new?comment={comment.id}").text
    assert 'value="Troll@Example.org"' in html
    assert f'<option selected value="{site.id}">' in html
    html = dashboard.get(f"/admin/bans/new?comment={comment.id}&by=ip").text
    assert f'value="{"a" * 64}"' in html
    assert '<option value="all">All sites</option>' in html  # superadmins may ban everywhere


@pytest.mark.parametrize("target, column, expected", [
    ("Troll@Example.org", "email", "troll@example.org"),
    ("203.0.113.9", "ip_hash", "hash of 203.0.113.9"),
    ("A" * 64, "ip_hash", "a" * 64),
])
def test_a_ban_is_stored_and_logged(dashboard, site, superadmin, target, column, expected):
    if expected == "hash of 203.0.113.9":
        expected = hash_ip("203.0.113.9")
    response = dashboard.post("/admin/bans/new",
                              data={"target": target, "site": str(site.id), "reason": "Abuse"})
    assert response.status_code == 303
    ban = db.session.scalar(select(Ban))
    assert getattr(ban, column) == expected
    assert (ban.site_id, ban.reason, ban.created_by_id) == (site.id, "Abuse", superadmin.id)
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.site_id) == ("ban", site.id) and "Abuse" in entry.details
    html = dashboard.get("/admin/bans").text
    assert "Abuse" in html and "Blog" in html


@pytest.mark.parametrize("target, message", [
    ("", "Enter who to ban."),
    ("someone", "Enter an email address, an IP address, or an IP hash"),
    ("bad@address", "is not a valid email address"),
    ("999.1.1.1", "Enter an email address, an IP address, or an IP hash"),
])
def test_an_unclear_ban_target_is_refused_beside_the_field(dashboard, site, target, message):
    response = dashboard.post("/admin/bans/new", data={"target": target, "site": str(site.id)})
    assert response.status_code == 422
    assert message in response.text and 'id="target-error"' in response.text
    assert count(Ban) == 0


def test_a_banned_email_is_refused_and_nothing_is_stored(app, dashboard, site):
    dashboard.post("/admin/bans/new", data={"target": "troll@example.org", "site": str(site.id)})
    reader = app.test_client()
    response = post_as_reader(reader, site, "Let me in", email="TROLL@example.org")
    assert response.status_code == 403
    assert REFUSAL in response.text
    assert "Let me in" in response.text  # the text is kept in the form
    as_json = post_as_reader(reader, site, "Let me in", email="troll@example.org", json=True)
    assert as_json.status_code == 403
    assert as_json.json == {"message": "The comment was not posted.", "errors": {"form": [REFUSAL]}}
    assert count(Comment) == 0 and count(Thread) == 0
    assert post_as_reader(reader, site, "Fine", email="friend@example.org").status_code == 303


def test_a_banned_address_is_refused(app, dashboard, site):
    dashboard.post("/admin/bans/new", data={"target": "198.51.100.66", "site": str(site.id)})
    reader = app.test_client()
    assert post_as_reader(reader, site, "Hi", ip="198.51.100.66").status_code == 403
    assert post_as_reader(reader, site, "Hi", ip="198.51.100.67").status_code == 303
    assert count(Comment) == 1


def test_a_ban_on_one_site_leaves_the_others_alone(app, dashboard, site, other_site):
    dashboard.post("/admin/bans/new", data={"target": "troll@example.org", "site": str(site.id)})
    reader = app.test_client()
    assert post_as_reader(reader, other_site, "Elsewhere", email="troll@example.org",
                          url=OTHER_ARTICLE).status_code == 303


def test_a_ban_on_all_sites(app, dashboard, site, other_site):
    response = dashboard.post("/admin/bans/new",
                              data={"target": "troll@example.org", "site": "all"})
    assert response.status_code == 303
    assert db.session.scalar(select(Ban)).site_id is None
    reader = app.test_client()
    for target, url in ((site, "https://blog.example.com/a"), (other_site, OTHER_ARTICLE)):
        assert post_as_reader(reader, target, "Hi", email="troll@example.org",
                              url=url).status_code == 403
    assert "All sites" in dashboard.get("/admin/bans").text


def test_a_moderator_cannot_ban_on_all_sites(moderator_board, site):
    html = moderator_board.get("/admin/bans/new").text
    assert "All sites" not in html
    response = moderator_board.post("/admin/bans/new",
                                    data={"target": "troll@example.org", "site": "all"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.text
    assert count(Ban) == 0


def test_lifting_a_ban(app, dashboard, site):
    dashboard.post("/admin/bans/new", data={"target": "troll@example.org", "site": str(site.id)})
    ban_id = db.session.scalar(select(Ban.id))
    response = dashboard.post(f"/admin/bans/{ban_id}/delete")
    assert response.status_code == 303
    assert count(Ban) == 0
    assert db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "ban", "unban"]
    reader = app.test_client()
    assert post_as_reader(reader, site, "Back", email="troll@example.org").status_code == 303
    assert dashboard.post(f"/admin/bans/{ban_id}/delete").status_code == 404


def test_find_ban_matches_email_case_insensitively_and_by_site(site, other_site):
    db.session.add(Ban(site_id=site.id, email="troll@example.org"))
    db.session.add(Ban(site_id=None, ip_hash="b" * 64))
    db.session.commit()
    assert find_ban(site, "Troll@Example.org ") is not None
    assert find_ban(other_site, "troll@example.org") is None
    assert find_ban(other_site, None, ["a" * 64, "b" * 64]) is not None
    assert find_ban(site, None, ["a" * 64]) is None
    assert find_ban(site, None) is None


def test_a_ban_names_an_email_or_an_ip_hash_never_both_nor_neither(site):
    for fields in ({}, {"email": "x@example.org", "ip_hash": "c" * 64}):
        db.session.add(Ban(site_id=site.id, **fields))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_existing_comments_of_a_banned_author_stay_until_moderated(app, dashboard, site):
    thread = make_thread(site)
    make_comment(thread, "Old words", email="troll@example.org")
    dashboard.post("/admin/bans/new", data={"target": "troll@example.org", "site": str(site.id)})
    assert count(Comment) == 1
