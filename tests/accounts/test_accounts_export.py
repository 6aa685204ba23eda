"""Commenter accounts in the JSON export: what is carried (and what never is), and a
restore into an empty database that exports the same accounts and links again."""

import json
from io import BytesIO, StringIO

from sqlalchemy import delete, func, select

from tests.conftest import make_comment, make_site
from widget.accounts.models import Account, AccountIdentity, AccountSession, SignInCode
from widget.accounts.sso import ensure_secret
from widget.extensions import db
from widget.models import Comment, Commenters, ModerationMode, Site, Thread, utcnow
from widget.porting.export import write_export
from widget.porting.service import run_import

from .helpers import post_comment, sign_in_sso


def export_text(sites=None):
    out = StringIO()
    write_export(out, sites if sites is not None else
                 db.session.scalars(select(Site).order_by(Site.id)).all())
    return out.getvalue()


def restore(text, site=None):
    return run_import("json", BytesIO(text.encode()), site)


def empty_database():
    for model in (AccountSession, SignInCode, Comment, Thread, AccountIdentity, Account, Site):
        db.session.execute(delete(model))
    db.session.commit()


def populate(app):
    """A site with a host-site member (who posted), a banned member with an email
    identity, an anonymous comment, and a second site with a member of its own."""
    site = make_site("Blog", ["https://blog.example.com"], moderation=ModerationMode.TRUSTED,
                     trusted_after=5, commenters=Commenters.SIGNED_IN)
    site.commenters = Commenters.ANYONE  # to let the anonymous comment in, then back
    db.session.commit()
    reader = app.test_client()
    token = sign_in_sso(reader, site, sub="host-42", name="Kevin Müller",
                        email="Kevin@Example.org", url="https://kevin.example")
    assert post_comment(reader, site, "Signed-in words", account_token=token).status_code == 201
    thread = db.session.scalar(select(Thread))
    make_comment(thread, "Anonymous words", author="Ann", email="ann@example.org")
    banned = Account(site_id=site.id, display_name="Troll", name_skeleton="troll",
                     name_shape="troll", email="troll@example.org", email_verified=True,
                     banned_at=utcnow())
    db.session.add(banned)
    db.session.flush()
    db.session.add(AccountIdentity(account=banned, site_id=site.id, provider="email",
                                   subject="troll@example.org"))
    db.session.add(SignInCode(site_id=site.id, email="troll@example.org", display_name="Troll",
                              code_hash="c0de" * 16, expires_at=utcnow()))
    make_comment(thread, "Banned words", author="Troll", account_id=banned.id,
                 verified_via="email")
    site.commenters = Commenters.SIGNED_IN
    db.session.commit()
    other = make_site("Other", ["https://blog.example.com"])
    sign_in_sso(app.test_client(), other, sub="7", name="Olga")
    return site, other


def account_rows():
    """Every account as the export describes it, with its comments' texts."""
    rows = []
    for account in db.session.scalars(select(Account).order_by(Account.id)):
        texts = db.session.scalars(select(Comment.text).where(Comment.account_id == account.id)
                                   .order_by(Comment.id)).all()
        rows.append((account.site.key, account.display_name, account.website, account.email,
                     account.email_verified, account.banned_at, account.created_at,
                     [(i.provider, i.subject) for i in account.identities], texts))
    return rows


def test_the_export_carries_accounts_and_who_wrote_what(app):
    site, _other = populate(app)
    document = json.loads(export_text([site]))
    (exported,) = document["sites"]
    assert (exported["commenters"], exported["moderation"], exported["trusted_after"]) == (
        "signed_in", "trusted", 5)
    kevin, troll = exported["accounts"]
    assert kevin == {
        "id": 1, "display_name": "Kevin Müller", "website": "https://kevin.example",
        "email": "kevin@example.org", "email_verified": True,
        "identities": [{"provider": "sso", "subject": "host-42"}],
        "banned": None, "created": kevin["created"],
    }
    assert kevin["created"].endswith("Z")
    assert troll["id"] == 2 and troll["banned"].endswith("Z")
    assert troll["identities"] == [{"provider": "email", "subject": "troll@example.org"}]
    comments = {c["text"]: c for c in exported["threads"][0]["comments"]}
    assert (comments["Signed-in words"]["account"],
            comments["Signed-in words"]["verified_via"]) == (1, "sso:blog.example.com")
    assert (comments["Banned words"]["account"], comments["Banned words"]["verified_via"]) == (
        2, "email")
    assert (comments["Anonymous words"]["account"],
            comments["Anonymous words"]["verified_via"]) == (None, None)


def test_secrets_sessions_and_codes_are_never_exported(app):
    site, _other = populate(app)
    secret = ensure_secret(site)
    text = export_text()
    assert db.session.scalar(select(func.count()).select_from(AccountSession)) >= 2
    for session_hash in db.session.scalars(select(AccountSession.token_hash)):
        assert session_hash not in text
    assert "c0de" * 16 not in text and secret not in text
    for word in ("token", "secret", "code_hash", "sso_secret", "last_used_at"):
        assert word not in text


def test_restore_into_an_empty_database_round_trips_the_accounts(app):
    populate(app)
    first_export = export_text()
    before = account_rows()
    empty_database()
    assert account_rows() == []

    report = restore(first_export)

    assert account_rows() == before
    assert (report.accounts_created, report.accounts_present) == (3, 0)
    assert "Commenter accounts: 3 added, 0 already here." in report.summary_lines()
    assert report.skipped == [] and report.notes == []
    site = db.session.scalar(select(Site).where(Site.name == "Blog"))
    assert (site.commenters, site.moderation, site.trusted_after) == (
        Commenters.SIGNED_IN, ModerationMode.TRUSTED, 5)
    assert site.sso_secret is None  # never exported: the owner makes a new one
    assert db.session.scalar(select(func.count()).select_from(AccountSession)) == 0
    assert export_text() == first_export


def test_a_restored_member_signs_in_to_the_same_account_and_a_banned_one_stays_out(app):
    populate(app)
    exported = export_text()
    empty_database()
    restore(exported)
    site = db.session.scalar(select(Site).where(Site.name == "Blog"))
    sign_in_sso(app.test_client(), site, sub="host-42", name="Kevin Müller")
    kevin = db.session.scalars(select(Account).where(Account.display_name == "Kevin Müller")).one()
    assert db.session.scalar(select(Comment.account_id).where(
        Comment.text == "Signed-in words")) == kevin.id
    troll = db.session.scalars(select(Account).where(Account.display_name == "Troll")).one()
    assert troll.banned_at is not None


def test_restoring_twice_adds_no_second_account(app):
    populate(app)
    exported = export_text()
    before = account_rows()
    report = restore(exported)
    assert (report.accounts_created, report.accounts_present) == (0, 3)
    assert account_rows() == before


def test_restoring_into_another_site_moves_the_accounts_with_their_comments(app):
    populate(app)
    exported = export_text()
    target = make_site("New home", ["https://blog.example.com"])
    report = restore(exported, site=target)
    assert report.accounts_created == 3  # identities are per site: new accounts here
    moved = db.session.scalars(select(Account).where(Account.site_id == target.id)
                               .order_by(Account.id)).all()
    assert [account.display_name for account in moved] == ["Kevin Müller", "Troll", "Olga"]
    texts = db.session.scalars(select(Comment.text).where(Comment.account_id == moved[0].id))
    assert list(texts) == ["Signed-in words"]
    assert db.session.scalar(select(Comment.thread_id).where(Comment.account_id == moved[0].id)) \
        in db.session.scalars(select(Thread.id).where(Thread.site_id == target.id)).all()


def test_bad_accounts_are_skipped_and_their_comments_kept_without_them(app):
    document = {"format": "widget-export", "version": 1, "sites": [{
        "key": "restored", "name": "Restored", "allowed_origins": ["https://blog.example.com"],
        "moderation": "none", "commenters": "anyone", "trusted_after": 99999,
        "accounts": [
            {"id": 1, "display_name": "\u200b", "identities": []},
            {"id": 2, "display_name": "Fine", "identities": [{"provider": "sso"}]},
            "not an object",
            {"id": 3, "display_name": "Good", "email": "not-an-address", "email_verified": True,
             "website": "javascript:alert(1)", "identities": [{"provider": "sso", "subject": "9"}]},
        ],
        "threads": [{"url": "https://blog.example.com/a", "title": "A", "comments": [
            {"id": 1, "author": "X", "status": "approved", "created": "2026-01-01T00:00:00Z",
             "text": "by a skipped account", "html": "<p>x</p>", "account": 1,
             "verified_via": "sso:blog.example.com"},
            {"id": 2, "author": "Good", "status": "approved", "created": "2026-01-01T00:00:01Z",
             "text": "by Good", "html": "<p>x</p>", "account": 3, "verified_via": "sso:x"},
        ]}],
    }]}
    report = restore(json.dumps(document))
    assert len(report.skipped) == 2 and report.accounts_created == 1
    assert any("display_name" in str(skipped.reason) for skipped in report.skipped)
    assert any("its account is not in the file" in str(note.reason) for note in report.notes)
    good = db.session.scalars(select(Account)).one()
    assert (good.display_name, good.email, good.email_verified, good.website) == (
        "Good", None, False, None)
    orphan = db.session.scalar(select(Comment).where(Comment.text == "by a skipped account"))
    assert (orphan.account_id, orphan.verified_via) == (None, None)
    assert db.session.scalar(select(Comment.account_id).where(Comment.text == "by Good")) == good.id
    assert db.session.scalar(select(Site.trusted_after).where(Site.key == "restored")) == 3


def test_an_export_without_accounts_still_restores(app):
    """Files written before accounts existed have no "accounts" and no comment links."""
    document = {"format": "widget-export", "version": 1, "sites": [{
        "key": "old", "name": "Old", "allowed_origins": ["https://blog.example.com"],
        "moderation": "first", "threads": [{"url": "https://blog.example.com/a", "comments": [
            {"id": 1, "author": "X", "status": "approved", "created": "2026-01-01T00:00:00Z",
             "text": "old", "html": "<p>old</p>"}]}]}]}
    report = restore(json.dumps(document))
    assert report.comments_added == 1 and report.skipped == []
    site = db.session.scalar(select(Site).where(Site.key == "old"))
    assert (site.commenters, site.moderation) == (Commenters.ANYONE, ModerationMode.FIRST)
