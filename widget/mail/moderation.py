"""Acting on a moderation link: approve or delete a pending comment."""

from ..admin import audit
from ..extensions import db
from ..models import CommentStatus
from ..signals import comment_approved, comment_deleted
from ..threads import bump_version


def moderate(comment, action, moderator=None):
    """Apply the action if the comment still awaits it; return False if it was handled.
    The audit log records it as done through the link emailed to `moderator`."""
    if comment.status != CommentStatus.PENDING:
        return False
    if action == "approve":
        comment.status = CommentStatus.APPROVED
        comment_approved.send(comment)
    else:
        comment.status = CommentStatus.DELETED
        comment_deleted.send(comment)
    audit.record(None, action, comment.thread.site_id, comment,
                 from_status=CommentStatus.PENDING, to_status=comment.status,
                 message="moderation_link", params={"email": moderator})
    bump_version(comment.thread_id)
    db.session.commit()
    return True
