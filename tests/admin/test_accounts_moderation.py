"""Commenter accounts in the dashboard: shown in the comment lists, an account page,
banning and unbanning an account, the site's who-may-comment and trusted moderation
settings, and the SSO secret (superadmins only)."""

import re

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import post_comment, sign_in_sso, sso_token, who_am_i
from widget.accounts.models import Account, AccountSession
from widget.extensions import db
from widget.models import AuditEntry, Comment, Commenters, CommentStatus, ModerationMode, Site

from .conftest import Dashboard, make_admin, make_comment, make_site, make_thread, new_client

SETTINGS = {"name": "Blog", "origins": "https://blog.example.com", "moderation": "none",
            "commenters": "anyone", "comments_open": "y", "max_comment_length": ""}


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def member_comment(app, site, text="Signed-in words", name="Kevin", sub="42", **claims):
    """A comment posted by a host site's member; returns (comment, commenter token)."""
    reader = app.test_client()
    token = sign_in_sso(reader, site, name=name, sub=sub, **claims)
    response = post_comment(reader, site, text, account_token=token)
    assert response.status_code == 201, response.text
    comment = db.session.scalar(select(Comment).where(Comment.text == text))
    db.session.expire_all()
    return comment, token


def account_named(name):
    return db.session.scalar(select(Account).where(Account.display_name == name))


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Comment lists

def test_the_queue_and_overview_show_the_account_and_how_it_signed_in(app, dashboard, site):
    site.moderation = ModerationMode.ALL
    db.session.commit()
    comment, _token = member_comment(app, site)
    make_comment(make_thread(site, url="https://blog.example.com/other"), "Anonymous words", author="Anon",
                 status=CommentStatus.PENDING)
    account = account_named("Kevin")
    html = dashboard.get("/admin/comments").text
    item = html[html.index(f'id="q-{comment.id}"'):]
    item = item[:item.index("</li>")]
    assert f'href="/admin/commenters/{account.id}"' in item
    assert "Signed in as" in item and "via blog.example.com" in item
    assert "Ban account…" in item
    anonymous = html[html.index("Anonymous words") - 3000:html.index("Anonymous words")]
    assert "Signed in as" not in anonymous[anonymous.rindex('class="queue-item'):]
    overview = dashboard.get("/admin/").text
    assert f'href="/admin/commenters/{account.id}"' in overview and "via blog.example.com" in overview


def test_the_account_page_and_the_queue_filtered_by_account(app, dashboard, site):
    comment, _token = member_comment(app, site, "By Kevin", name="Kevin",
                                     email="kevin@example.org", url="https://kevin.example")
    make_comment(make_thread(site, url="https://blog.example.com/other"), "By someone else", author="Ann")
    account = account_named("Kevin")
    page = text_of(dashboard.get(f"/admin/commenters/{account.id}").text)
    assert "Commenter “Kevin”" in page
    assert "kevin@example.org (verified)" in page
    assert "https://kevin.example" in page
    assert "your site's account 42" in page
    assert "1 published" in page
    queue = dashboard.get(f"/admin/comments?account={account.id}&status=all").text
    assert "By Kevin" in queue and "By someone else" not in queue
    assert "Only the comments of the commenter account" in queue
    assert dashboard.get("/admin/commenters/999999").status_code == 404
    assert dashboard.get("/admin/comments?account=999999").status_code == 404
    assert comment.account_id == account.id


# Banning

def test_banning_an_account_signs_it_out_refuses_it_and_handles_its_pending_comments(
        app, dashboard, site, superadmin):
    site.moderation = ModerationMode.ALL
    db.session.commit()
    waiting, token = member_comment(app, site, "Waiting words")
    account = account_named("Kevin")
    other_device = sign_in_sso(app.test_client(), site, name="Kevin")
    assert count(AccountSession, AccountSession.account_id == account.id) == 2

    response = dashboard.post(f"/admin/commenters/{account.id}/ban",
                              data={"pending": "spam", "reason": "Trolling"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/commenters/{account.id}"
    account = db.session.get(Account, account.id)
    assert account.banned_at is not None
    assert count(AccountSession, AccountSession.account_id == account.id) == 0
    assert db.session.get(Comment, waiting.id).status == CommentStatus.SPAM
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.details, AuditEntry.admin_id)
                                 .order_by(AuditEntry.id)).all()
    assert [action for action, *_ in actions] == ["ban_account", "spam"]
    assert "Kevin" in actions[0][1] and "Trolling" in actions[0][1]
    assert actions[0][2] == superadmin.id

    reader = app.test_client()
    for old_token in (token, other_device):  # every token it was given stops working
        assert who_am_i(reader, site, account_token=old_token).json["signed_in"] is False
    refused = who_am_i(reader, site, sso=sso_token(site, name="Kevin"))  # and new sign-ins
    assert refused.status_code == 403 and refused.json["signed_in"] is False
    assert count(AccountSession) == 0

    page = text_of(dashboard.get(f"/admin/commenters/{account.id}").text)
    assert "Banned since" in page and "Lift the ban" in page
    assert "banned a commenter account" in dashboard.get("/admin/audit").text
    bans = dashboard.get("/admin/bans").text
    assert "Banned commenter accounts" in bans and f"/admin/commenters/{account.id}" in bans


@pytest.mark.parametrize("pending, status", [("keep", CommentStatus.PENDING),
                                             ("delete", CommentStatus.DELETED)])
def test_a_ban_may_leave_or_delete_the_pending_comments(app, dashboard, site, pending, status):
    site.moderation = ModerationMode.ALL
    db.session.commit()
    waiting, _token = member_comment(app, site)
    account = account_named("Kevin")
    assert dashboard.post(f"/admin/commenters/{account.id}/ban",
                          data={"pending": pending}).status_code == 303
    assert db.session.get(Comment, waiting.id).status == status


def test_lifting_the_ban_lets_the_account_in_again(app, dashboard, site):
    member_comment(app, site)
    account = account_named("Kevin")
    dashboard.post(f"/admin/commenters/{account.id}/ban", data={"pending": "keep"})
    response = dashboard.post(f"/admin/commenters/{account.id}/unban",
                              data={"next": f"/admin/comments?account={account.id}"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/comments?account={account.id}"
    assert db.session.get(Account, account.id).banned_at is None
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
        "unban_account"
    assert "lifted a commenter account" in dashboard.get("/admin/audit").text
    assert sign_in_sso(app.test_client(), site, name="Kevin")  # signs in again


def test_a_ban_with_an_unknown_choice_is_refused_beside_the_field(app, dashboard, site):
    member_comment(app, site)
    account = account_named("Kevin")
    response = dashboard.post(f"/admin/commenters/{account.id}/ban",
                              data={"pending": "burn", "reason": "kept text"})
    assert response.status_code == 422
    assert 'id="pending-error"' in response.text and "kept text" in response.text
    assert db.session.get(Account, account.id).banned_at is None
    assert count(AuditEntry) == 0


@pytest.mark.parametrize("path", ["ban", "unban"])
def test_account_actions_need_the_csrf_token(app, dashboard, site, path):
    member_comment(app, site)
    account = account_named("Kevin")
    if path == "unban":
        dashboard.post(f"/admin/commenters/{account.id}/ban", data={"pending": "keep"})
    before = db.session.get(Account, account.id).banned_at
    entries = count(AuditEntry)
    response = dashboard.client.post(f"/admin/commenters/{account.id}/{path}",
                                     data={"pending": "keep"})
    assert response.status_code == 400
    assert db.session.get(Account, account.id).banned_at == before
    assert count(AuditEntry) == entries


def test_a_moderator_bans_on_their_site_and_meets_404_elsewhere(app, site, moderator_board):
    other = make_site("Other", origins=["https://blog.example.com"])  # the helpers' host
    member_comment(app, site, "Here", name="Kevin", sub="1")
    member_comment(app, other, "There", name="Olga", sub="2")
    mine, foreign = account_named("Kevin"), account_named("Olga")
    assert moderator_board.get(f"/admin/commenters/{foreign.id}").status_code == 404
    for path in ("ban", "unban"):
        response = moderator_board.post(f"/admin/commenters/{foreign.id}/{path}",
                                        data={"pending": "keep"})
        assert response.status_code == 404
    assert moderator_board.get(f"/admin/comments?account={foreign.id}").status_code == 404
    assert db.session.get(Account, foreign.id).banned_at is None
    assert "Olga" not in moderator_board.get("/admin/comments?status=all").text
    assert moderator_board.post(f"/admin/commenters/{mine.id}/ban",
                                data={"pending": "keep"}).status_code == 303
    assert db.session.get(Account, mine.id).banned_at is not None
    bans = moderator_board.get("/admin/bans").text
    assert "Kevin" in bans and "Olga" not in bans


# Site settings

def test_who_may_comment_and_trusted_moderation_are_site_settings(app, dashboard, site):
    page = dashboard.get(f"/admin/sites/{site.id}").text
    assert ">Who may comment</label>" in page and "Signed-in commenters only" in page
    assert 'value="trusted"' in page
    response = dashboard.post(f"/admin/sites/{site.id}", data={
        **SETTINGS, "commenters": "signed_in", "moderation": "trusted", "trusted_after": "2"})
    assert response.status_code == 303
    site = db.session.get(Site, site.id)
    assert (site.commenters, site.moderation, site.trusted_after) == (
        Commenters.SIGNED_IN, ModerationMode.TRUSTED, 2)
    details = db.session.scalar(select(AuditEntry.details).where(AuditEntry.action == "edit_site"))
    assert "commenters: anyone → signed_in" in details and "trusted_after: 3 → 2" in details
    # What it does: the member's first two comments wait, the third is published.
    statuses = []
    reader = app.test_client()
    token = sign_in_sso(reader, site)
    for number in range(3):
        post_comment(reader, site, f"Member comment {number}", account_token=token)
        comment = db.session.scalar(select(Comment).where(Comment.text == f"Member comment {number}"))
        statuses.append(comment.status)
        comment.status = CommentStatus.APPROVED
        db.session.commit()
    assert statuses == [CommentStatus.PENDING, CommentStatus.PENDING, CommentStatus.APPROVED]


@pytest.mark.parametrize("value", ["-1", "10001", "2.5", "lots", "", "٣"])
def test_a_bad_trusted_count_is_refused_beside_the_field(dashboard, site, value):
    response = dashboard.post(f"/admin/sites/{site.id}", data={
        **SETTINGS, "name": "Renamed", "moderation": "trusted", "trusted_after": value})
    assert response.status_code == 422
    assert "Enter a whole number from 0 to 10,000." in response.text
    assert 'id="trusted_after-error"' in response.text
    assert f'value="{value}"' in response.text  # what was typed is kept
    site = db.session.get(Site, site.id)
    assert (site.name, site.moderation, site.trusted_after) == ("Blog", ModerationMode.NONE, 3)


def test_the_trusted_count_may_stay_empty_under_another_mode(dashboard, site):
    response = dashboard.post(f"/admin/sites/{site.id}", data={
        **SETTINGS, "moderation": "first", "trusted_after": ""})
    assert response.status_code == 303
    site = db.session.get(Site, site.id)
    assert (site.moderation, site.trusted_after) == (ModerationMode.FIRST, 3)


# The SSO secret

def test_a_superadmin_makes_sees_and_rotates_the_sso_secret(app, dashboard, site, superadmin):
    page = dashboard.get(f"/admin/sites/{site.id}").text
    assert "This site has no SSO secret yet." in page
    assert "data-sso=&#34;TOKEN&#34;" in page and "data-sso-login" in page and "data-sso-logout" in page
    assert dashboard.post(f"/admin/sites/{site.id}/sso-secret").status_code == 303
    first = db.session.get(Site, site.id).sso_secret
    assert first and f'value="{first}"' in dashboard.get(f"/admin/sites/{site.id}").text
    old_token = sso_token(first, name="Kevin")

    unconfirmed = dashboard.post(f"/admin/sites/{site.id}/sso-secret", follow_redirects=True)
    assert "Tick the box to confirm" in unconfirmed.text
    assert db.session.get(Site, site.id).sso_secret == first

    response = dashboard.post(f"/admin/sites/{site.id}/sso-secret", data={"confirm": "y"})
    assert response.headers["Location"] == f"/admin/sites/{site.id}#sso"
    site = db.session.get(Site, site.id)
    assert site.sso_secret not in (None, first) and site.sso_previous_secret == first
    page = dashboard.get(f"/admin/sites/{site.id}").text
    assert f'value="{site.sso_secret}"' in page and first not in page
    assert "The previous secret still works until" in page and "24 hours" in page
    entries = db.session.execute(select(AuditEntry.action, AuditEntry.details)
                                 .order_by(AuditEntry.id)).all()
    assert [action for action, _ in entries] == ["create_sso_secret", "rotate_sso_secret"]
    assert all(first not in details and site.sso_secret not in details for _, details in entries)
    audit_page = dashboard.get("/admin/audit").text
    assert "made the SSO secret" in audit_page and "rotated the SSO secret" in audit_page
    # The grace period: a token signed with the previous secret still signs in.
    assert who_am_i(app.test_client(), site, sso=old_token).json["signed_in"] is True


def test_moderators_never_see_or_rotate_the_sso_secret(app, site, moderator_board):
    sso_token(site)  # makes the site's secret
    secret = db.session.get(Site, site.id).sso_secret
    page = moderator_board.get(f"/admin/sites/{site.id}").text
    assert secret not in page and 'id="sso-secret"' not in page
    assert "Only a superadmin can see or rotate the site's SSO secret." in page
    assert "data-sso-login" in page  # how to wire the snippet is no secret
    response = moderator_board.post(f"/admin/sites/{site.id}/sso-secret", data={"confirm": "y"})
    assert response.status_code == 403
    assert secret not in response.text
    other = make_site("Other", origins=["https://other.example.com"])
    assert moderator_board.post(f"/admin/sites/{other.id}/sso-secret",
                                data={"confirm": "y"}).status_code == 404
    assert db.session.get(Site, site.id).sso_secret == secret
    assert db.session.get(Site, other.id).sso_secret is None
    assert count(AuditEntry) == 0


def test_rotating_needs_the_csrf_token(dashboard, site):
    response = dashboard.client.post(f"/admin/sites/{site.id}/sso-secret", data={"confirm": "y"})
    assert response.status_code == 400
    assert db.session.get(Site, site.id).sso_secret is None


def test_a_second_superadmin_sees_the_secret_too(app, site):
    make_admin("other-boss@example.org")
    board = Dashboard(new_client(app))
    assert board.login("other-boss@example.org").status_code == 303
    board.post(f"/admin/sites/{site.id}/sso-secret")
    secret = db.session.get(Site, site.id).sso_secret
    assert f'value="{secret}"' in board.get(f"/admin/sites/{site.id}").text
