"""Acting on a moderation link: approve or delete a pending comment."""

from ..extensions import db
from ..models import CommentStatus
from ..signals import comment_approved
from ..threads import bump_version


def moderate(comment, action):
    """Apply the action if the comment still awaits it; return False if it was handled."""
    if comment.status != CommentStatus.PENDING:
        return False
    if action == "approve":
        comment.status = CommentStatus.APPROVED
        comment_approved.send(comment)
    else:
        comment.status = CommentStatus.DELETED
    bump_version(comment.thread_id)
    db.session.commit()
    return True
