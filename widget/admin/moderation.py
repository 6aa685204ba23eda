"""Moderation actions on comments and threads; each one audited and bumping the thread's
version (the cache key of its page), all in one transaction."""


from ..extensions import db
from ..markup import render_comment
from ..models import CommentStatus, utcnow
from ..signals import comment_approved, comment_deleted, comment_restored
from ..threads import bump_versions
from . import audit

# Each action moves a comment to one status; "restore" is "approve" for a deleted one.
ACTION_STATUS = {
    "approve": CommentStatus.APPROVED,
    "spam": CommentStatus.SPAM,
    "delete": CommentStatus.DELETED,
    "restore": CommentStatus.APPROVED,
}
# Statuses someone was shown (readers, or moderators in the queue): leaving them for
# deleted or spam is news to webhooks; a spam comment deleted is not.
SHOWN = (CommentStatus.APPROVED, CommentStatus.PENDING)


def moderate(admin, comments, action):
    """Apply the action to the comments that are not already in its status; return those.

    A comment published for the first time (from pending or spam) tells the signal's
    receivers, who email the author of the comment it answers; a restored one does not,
    as it was most likely published, and announced, before (it tells comment_restored,
    for webhooks). One that leaves the thread tells comment_deleted.
    """
    to_status = ACTION_STATUS[action]
    changed = [comment for comment in comments if comment.status != to_status]
    for comment in changed:
        audit.record(admin, action, comment.thread.site_id, comment,
                     from_status=comment.status, to_status=to_status)
        from_status = comment.status
        first_publication = from_status in (CommentStatus.PENDING, CommentStatus.SPAM)
        comment.status = to_status
        if to_status == CommentStatus.APPROVED:
            (comment_approved if first_publication else comment_restored).send(comment)
        elif from_status in SHOWN:
            comment_deleted.send(comment)
    bump_versions({comment.thread_id for comment in changed})
    db.session.commit()
    return changed


def edit_text(admin, comment, text):
    """Replace the comment's text, sanitized again; the log keeps the previous text."""
    if text == comment.text:
        return False
    audit.record(admin, "edit", comment.thread.site_id, comment,
                 message="previous_text", params={"text": comment.text})
    comment.text = text
    comment.html = render_comment(text)
    comment.edited_at = utcnow()
    bump_versions({comment.thread_id})
    db.session.commit()
    return True


def set_thread_closed(admin, thread, closed):
    if thread.closed == closed:
        return False
    thread.closed = closed
    audit.record(admin, "close_thread" if closed else "reopen_thread", thread.site_id,
                 details=thread.url)
    bump_versions({thread.id})
    db.session.commit()
    return True
