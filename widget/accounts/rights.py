"""A signed-in commenter's rights over their account: see their comments, take a copy of
everything kept about the account, delete it.

Plain functions of an account (no request): the account menu's views (menu_views.py)
call them, and so could an admin command. Deleting an account erases its comments the
way an admin's `commenter erase` does (commenters.py): a comment others replied to stays
as an empty "[deleted]" placeholder, so the replies keep their place; the rest go.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..commenters import erase_comments
from ..extensions import db
from ..models import Comment, CommentStatus, Thread, utcnow
from .models import Account, AccountIdentity, AccountSession, SignInCode

OWN_COMMENTS_LISTED = 500  # the newest of the account's comments on one thread
# The account's comments as its menu lists them: what readers see and what waits for
# moderation (held as spam looks the same to the author); not what was deleted.
LISTED_STATUSES = (CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.SPAM)


@dataclass
class CommentsPage:
    rows: list  # (Comment, Thread), newest first
    page: int
    pages: int
    total: int


def comments_page(account, page, per_page=20):
    """One page of the account's comments on its site, newest first, with their threads."""
    mine = (Comment.account_id == account.id, Comment.status.in_(LISTED_STATUSES))
    total = db.session.scalar(select(func.count(Comment.id)).where(*mine))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(Comment, Thread).join(Thread, Comment.thread_id == Thread.id)
        .where(*mine).order_by(Comment.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return CommentsPage([tuple(row) for row in rows], page, pages, total)


def own_comments_on(thread, account):
    """The account's comments on this thread that it may still change: [{id,
    editable_until}] for thread.js to add Edit (in time) and Delete (always)."""
    if thread is None:
        return []
    window = timedelta(seconds=current_app.config["EDIT_WINDOW"])
    comments = db.session.execute(
        select(Comment.id, Comment.created_at)
        .where(Comment.thread_id == thread.id, Comment.account_id == account.id,
               Comment.status.in_((CommentStatus.APPROVED, CommentStatus.PENDING)))
        .order_by(Comment.id.desc()).limit(OWN_COMMENTS_LISTED)
    ).all()
    return [{"id": comment_id, "editable_until": _iso(created_at + window)}
            for comment_id, created_at in comments]


def export_account(account):
    """Everything kept about the account, as plain data for JSON: its fields, its ways
    in, its signed-in browsers (when each began: never a token or its hash), the sign-in
    codes mailed for it (when: never the code), and its comments with their text."""
    emails = _emails_of(account)
    codes = db.session.scalars(
        select(SignInCode).where(SignInCode.site_id == account.site_id,
                                 SignInCode.email.in_(emails)).order_by(SignInCode.id)
    ).all() if emails else []
    sessions = db.session.scalars(
        select(AccountSession).where(AccountSession.account_id == account.id)
        .order_by(AccountSession.id)).all()
    comments = db.session.execute(
        select(Comment, Thread).join(Thread, Comment.thread_id == Thread.id)
        .where(Comment.account_id == account.id).order_by(Comment.id)
    ).all()
    return {
        "exported_at": _iso(utcnow()),
        "site": {"key": account.site.key, "name": account.site.name},
        "account": {
            "id": account.id,
            "display_name": account.display_name,
            "website": account.website,
            "email": account.email,
            "email_verified": account.email_verified,
            "created_at": _iso(account.created_at),
            "banned_at": _iso(account.banned_at),
        },
        "identities": [
            {"provider": identity.provider, "subject": identity.subject,
             "email": identity.email, "created_at": _iso(identity.created_at),
             "last_used_at": _iso(identity.last_used_at)}
            for identity in account.identities
        ],
        "sessions": [{"method": row.method, "created_at": _iso(row.created_at)}
                     for row in sessions],
        "sign_in_codes": [{"email": code.email, "created_at": _iso(code.created_at),
                           "expires_at": _iso(code.expires_at), "used_at": _iso(code.used_at)}
                          for code in codes],
        "comments": [
            {"id": comment.id, "article_url": thread.url, "article_title": thread.title,
             "parent_id": comment.parent_id, "author": comment.author,
             "email": comment.email, "website": comment.website, "text": comment.text,
             "status": comment.status.value, "verified_via": comment.verified_via,
             "likes": comment.like_count, "created_at": _iso(comment.created_at),
             "edited_at": _iso(comment.edited_at)}
            for comment, thread in comments
        ],
    }


def delete_account(account):
    """Delete the account and erase its comments (placeholders where others replied),
    its identities, sessions and sign-in codes; the threads' versions and counts follow.
    One transaction: all or nothing. Returns commenters.Erasure."""
    emails = _emails_of(account)
    comments = db.session.scalars(select(Comment).where(Comment.account_id == account.id)).all()
    erasure = erase_comments(comments)
    if emails:
        db.session.execute(delete(SignInCode).where(SignInCode.site_id == account.site_id,
                                                    SignInCode.email.in_(emails)))
    db.session.execute(delete(AccountSession).where(AccountSession.account_id == account.id))
    db.session.execute(delete(AccountIdentity).where(AccountIdentity.account_id == account.id))
    db.session.execute(delete(Account).where(Account.id == account.id))
    db.session.commit()
    db.session.expire_all()
    return erasure


def _emails_of(account):
    return sorted({email for email in [account.email, *(i.email for i in account.identities)]
                   if email})


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
