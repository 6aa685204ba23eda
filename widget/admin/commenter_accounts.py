"""Commenter accounts in the dashboard: who wrote a comment, and banning an account.

A ban is on the account, so it covers every way into it (each identity, each session):
the core refuses a banned account's tokens and sign-ins (accounts/sessions.py,
accounts/accounts.py). Banning also ends every session at once, so the member is
signed out everywhere rather than at their next sign-in.
"""

from dataclasses import dataclass

from flask import abort
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.accounts import describe_method
from ..accounts.models import Account
from ..accounts.sessions import end_all_sessions
from ..extensions import db
from ..models import Comment, CommentStatus, Thread, utcnow
from . import audit
from .access import in_scope, may_see_site
from .moderation import moderate

PENDING_ACTIONS = ("keep", "spam", "delete")


@dataclass
class CommentAccount:
    """What a comment list shows of a comment's account."""

    account: Account
    method: str  # how the comment was signed in, as readers read it


def accounts_of(comments):
    """{comment id: CommentAccount} for the comments written by a signed-in commenter,
    with their accounts in one query."""
    account_ids = {comment.account_id for comment in comments if comment.account_id}
    if not account_ids:
        return {}
    accounts = {account.id: account for account in db.session.scalars(
        select(Account).where(Account.id.in_(account_ids)))}
    return {comment.id: CommentAccount(accounts[comment.account_id],
                                       describe_method(comment.verified_via))
            for comment in comments if comment.account_id in accounts}


def account_or_404(admin, account_id):
    account = db.session.get(Account, account_id, options=[
        joinedload(Account.site), selectinload(Account.identities)])
    if account is None or not may_see_site(admin, account.site_id):
        abort(404, description=gettext("There is no such commenter on your sites."))
    return account


def comment_counts(account):
    """{status: count} of the account's comments."""
    rows = db.session.execute(
        select(Comment.status, func.count(Comment.id)).where(Comment.account_id == account.id)
        .group_by(Comment.status))
    return dict(rows.all())


def ban_account(admin, account, pending="keep", reason=""):
    """Ban the account: its sessions end, its tokens and sign-ins are refused from now on,
    and (if asked) its comments awaiting moderation are marked as spam or deleted, each
    audited like any moderation. Returns the comments so handled."""
    if account.banned_at is not None:
        return []
    account.banned_at = utcnow()
    audit.record(admin, "ban_account", account.site_id, message="account",
                 params=_details(account, reason))
    db.session.flush()
    end_all_sessions(account)  # commits the ban, its audit entry, and the ended sessions
    if pending == "keep":
        return []
    waiting = db.session.scalars(
        select(Comment).join(Comment.thread)
        .where(Comment.account_id == account.id, Comment.status == CommentStatus.PENDING,
               Thread.site_id == account.site_id)
        .order_by(Comment.id)).all()
    return moderate(admin, waiting, pending) if waiting else []


def unban_account(admin, account):
    if account.banned_at is None:
        return False
    account.banned_at = None
    audit.record(admin, "unban_account", account.site_id, message="account",
                 params=_details(account))
    db.session.commit()
    return True


def _details(account, reason=""):
    """The audit log's words for the account: name and id (never its email)."""
    return {"id": account.id, "name": account.display_name,
            "reason": (reason or "").strip() or None}


def banned_accounts_query(admin):
    """Banned accounts on the admin's sites, most recently banned first."""
    return (select(Account).options(joinedload(Account.site))
            .where(Account.banned_at.is_not(None), in_scope(Account.site_id, admin))
            .order_by(Account.banned_at.desc(), Account.id.desc()))
