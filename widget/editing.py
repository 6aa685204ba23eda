"""Authors changing their own comments: the signed edit token, the time window, the change.

The edit token is given to the browser that posted the comment (in the JSON answer, kept
by thread.js in the iframe's localStorage; and in the signed session cookie for pages
without scripts). It names the comment and its creation time, so it cannot be moved to
another comment, and it is worth nothing once EDIT_WINDOW has passed. Where the frame
has neither storage nor cookies, the loader's signed list of the viewer's comments
(embed/own.py) vouches for them instead, within the same window.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select

from .extensions import db
from .markup import render_comment
from .models import Comment, CommentStatus, utcnow
from .signals import comment_deleted, comment_edited
from .threads import bump_version, initial_status

EDIT_TOKEN_SALT = "widget.edit-comment"
CHANGEABLE = (CommentStatus.APPROVED, CommentStatus.PENDING)


class NotAllowed(Exception):
    """The viewer may not change this comment; the message says why, for the reader."""


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=EDIT_TOKEN_SALT)


def issue_token(comment):
    return _serializer().dumps({"c": comment.id, "t": comment.created_at.isoformat()})


def editable_until(comment):
    return comment.created_at + timedelta(seconds=current_app.config["EDIT_WINDOW"])


def may_change(comment, token, vouched=False, account_id=None, deleting=False):
    try:
        check_owner(comment, token, vouched, account_id, deleting)
    except NotAllowed:
        return False
    return True


def check_owner(comment, token, vouched=False, account_id=None, deleting=False):
    """Raise NotAllowed unless the viewer wrote the comment (the token was issued for
    it, the loader's signed list vouches for it, or the signed-in viewer's account wrote
    it) and it is still in time.

    A signed-in author may delete their comment at any time, from any browser where
    they are signed in; editing keeps to the window for everyone, so that replies are
    not left answering words that were changed long after."""
    by_account = account_id is not None and comment.account_id == account_id
    if not vouched and not by_account and not _token_names(comment, token):
        raise NotAllowed(
            _("This comment can only be changed from the browser it was posted from.")
        )
    if comment.status not in CHANGEABLE:
        raise NotAllowed(_("This comment can no longer be changed."))
    if deleting and by_account:
        return
    if utcnow() > editable_until(comment):
        minutes = current_app.config["EDIT_WINDOW"] // 60
        raise NotAllowed(ngettext(
            "Comments can only be changed in the first minute after posting; "
            "that time has passed.",
            "Comments can only be changed in the first %(num)s minutes after posting; "
            "that time has passed.", minutes))


def _token_names(comment, token):
    try:
        payload = _serializer().loads(token or "")
    except BadSignature:
        return False
    return (isinstance(payload, dict) and payload.get("c") == comment.id
            and payload.get("t") == comment.created_at.isoformat())


def edit_comment(site, comment, text, spam_reason=None):
    """Store the new text, sanitized again, marked edited and moderated again (held as
    spam when the guard says so, see guard.review_edit).

    The caller has already run the same form checks as for a new comment.
    """
    comment.text = text
    comment.html = render_comment(text)
    comment.edited_at = utcnow()
    if spam_reason:
        comment.status = CommentStatus.SPAM
        comment.spam_reason = spam_reason
    elif comment.status == CommentStatus.APPROVED:
        comment.status = initial_status(site, comment.email, except_comment_id=comment.id,
                                        account_id=comment.account_id)
    comment_edited.send(comment)
    bump_version(comment.thread_id)
    db.session.commit()
    return comment


def delete_comment(comment):
    """Hide the comment; it stays a "[deleted]" placeholder while replies hang below it."""
    shown = comment.status in CHANGEABLE  # approved or pending: someone was told of it
    comment.status = CommentStatus.DELETED
    if shown:
        comment_deleted.send(comment)
    bump_version(comment.thread_id)
    db.session.commit()
    return comment


def has_visible_replies(comment):
    return db.session.scalar(select(exists().where(
        Comment.parent_id == comment.id, Comment.status == CommentStatus.APPROVED
    )))
