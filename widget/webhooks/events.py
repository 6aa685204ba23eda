"""Which comment changes become which webhook events (signals.py tells us of each one,
inside its transaction, so the delivery is stored with the change or not at all)."""

from ..models import CommentStatus
from ..signals import (
    comment_approved,
    comment_deleted,
    comment_edited,
    comment_posted,
    comment_restored,
)
from .rules import enqueue, forget_comment


@comment_posted.connect
def on_comment_posted(comment):
    """Published at once, or held for a moderator; a comment held as spam says nothing."""
    if comment.status == CommentStatus.APPROVED:
        enqueue("comment.created", comment)
    elif comment.status == CommentStatus.PENDING:
        enqueue("comment.pending", comment)


@comment_edited.connect
def on_comment_edited(comment):
    """An edit that needs review again awaits moderation again; one the spam checks
    hold has left the thread."""
    if comment.status == CommentStatus.PENDING:
        enqueue("comment.pending", comment)
    elif comment.status == CommentStatus.SPAM:
        enqueue("comment.deleted", comment)


@comment_approved.connect
@comment_restored.connect
def on_comment_approved(comment):
    enqueue("comment.approved", comment)


@comment_deleted.connect
def on_comment_deleted(comment, erased=False):
    if erased:
        forget_comment(comment)  # earlier deliveries too keep no trace of what it said
        if comment.status not in (CommentStatus.APPROVED, CommentStatus.PENDING):
            return
    enqueue("comment.deleted", comment, erased=erased)
