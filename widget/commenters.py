"""A commenter's rights over their data: export everything kept about them, or erase it.

Commenters are known only by the email they gave (optional), so that is what both
requests go by, matched without regard to case.
"""

from dataclasses import dataclass

from sqlalchemy import delete, exists, func, select

from .extensions import db
from .models import Comment, CommentStatus, MailAddress, OutboxMessage, Site, Thread
from .signals import comment_deleted
from .threads import bump_versions


def _folded(email):
    return (email or "").strip().lower()


def comments_by_email(email):
    return db.session.scalars(
        select(Comment).where(func.lower(Comment.email) == _folded(email)).order_by(Comment.id)
    ).all()


def export_commenter(email):
    """Everything stored with this email, as plain data for JSON."""
    rows = db.session.execute(
        select(Comment, Thread, Site)
        .join(Thread, Comment.thread_id == Thread.id)
        .join(Site, Thread.site_id == Site.id)
        .where(Comment.id.in_([comment.id for comment in comments_by_email(email)]))
        .order_by(Comment.id)
    ).all()
    address = db.session.scalar(
        select(MailAddress).where(MailAddress.email == _folded(email)))
    return {
        "email": email,
        "reply_notifications": None if address is None else {
            "confirmed_at": _iso(address.confirmed_at),
            "confirmation_sent_at": _iso(address.confirmation_sent_at),
        },
        "emails_queued_or_sent": db.session.scalar(
            select(func.count(OutboxMessage.id))
            .where(func.lower(OutboxMessage.recipient) == _folded(email))),
        "comments": [
            {
                "id": comment.id,
                "site": site.key,
                "site_name": site.name,
                "article_url": thread.url,
                "article_title": thread.title,
                "parent_id": comment.parent_id,
                "reply_to_id": comment.reply_to_id,
                "author": comment.author,
                "email": comment.email,
                "website": comment.website,
                "text": comment.text,
                "status": comment.status.value,
                "created_at": _iso(comment.created_at),
                "edited_at": _iso(comment.edited_at),
            }
            for comment, thread, site in rows
        ],
    }


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


@dataclass
class Erasure:
    removed: int = 0  # rows deleted outright
    kept_as_deleted: int = 0  # emptied "[deleted]" placeholders that others replied to

    @property
    def total(self):
        return self.removed + self.kept_as_deleted


def erase_commenter(email):
    """Erase every comment made with this email, keeping the shape of the threads.

    A comment that has replies becomes an empty "[deleted]" placeholder (no author,
    email, website, text or IP hash), so the replies keep their place; one without
    replies is deleted. Newest first, so a commenter's own reply chain goes entirely.
    One transaction: all or nothing.
    """
    erasure = erase_comments(comments_by_email(email))
    # The address's notification state and the mails kept for it (they hold the address).
    db.session.execute(delete(MailAddress).where(MailAddress.email == _folded(email)))
    db.session.execute(delete(OutboxMessage)
                       .where(func.lower(OutboxMessage.recipient) == _folded(email)))
    db.session.commit()
    return erasure


def erase_comments(comments):
    """Erase these comments as erase_commenter does (placeholders where others replied,
    gone otherwise) and bump their threads; the caller commits."""
    erasure = Erasure()
    comments = sorted(comments, key=lambda comment: comment.id, reverse=True)
    for comment in comments:
        comment_deleted.send(comment, erased=True)  # webhooks forget what it said
        has_replies = db.session.scalar(select(exists().where(Comment.parent_id == comment.id)))
        if has_replies:
            _empty(comment)
            erasure.kept_as_deleted += 1
        else:
            db.session.delete(comment)
            erasure.removed += 1
        db.session.flush()
    bump_versions({comment.thread_id for comment in comments})  # cached pages, counts
    return erasure


def _empty(comment):
    comment.status = CommentStatus.DELETED
    comment.author = ""
    comment.email = None
    comment.website = None
    comment.text = ""
    comment.html = ""
    comment.ip_hash = None
    comment.spam_reason = None
    comment.submit_key = None
    comment.account_id = None
    comment.verified_via = None
