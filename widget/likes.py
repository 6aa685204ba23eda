"""Likes: one per visitor per comment, undoable, counted on the comment itself."""

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import Comment, CommentLike, CommentStatus
from .threads import bump_site_versions, bump_version


class LikeRefused(Exception):
    def __init__(self, message, status=422):
        super().__init__(message)
        self.message = message
        self.status = status


def visitor_hash(client_token, ip_hash):
    """Who likes: the browser's random token when it has one, else its IP hash.

    Keyed with the app secret, so the stored value says nothing about the token.
    """
    identity = f"token:{client_token}" if client_token else f"ip:{ip_hash or ''}"
    key = current_app.secret_key.encode()
    return hmac.new(key, b"like:" + identity.encode(), hashlib.sha256).hexdigest()


def check_likeable(site, comment):
    if not site.likes_enabled:
        raise LikeRefused(_("Likes are turned off on this site."), 403)
    if comment.status != CommentStatus.APPROVED:
        raise LikeRefused(_("This comment cannot be liked."), 404)


def has_liked(comment, visitor):
    return db.session.scalar(select(CommentLike.id).where(
        CommentLike.comment_id == comment.id, CommentLike.visitor_hash == visitor
    )) is not None


def like(site, comment, visitor, ip_hash):
    """Add the visitor's like (a second like is a no-op); return the new count."""
    check_likeable(site, comment)
    if has_liked(comment, visitor):
        return comment.like_count
    from_this_ip = db.session.scalar(select(func.count(CommentLike.id)).where(
        CommentLike.comment_id == comment.id, CommentLike.ip_hash == ip_hash
    ))
    if ip_hash and from_this_ip >= current_app.config["LIKES_PER_IP"]:
        raise LikeRefused(_("This comment has had too many likes from your network."), 429)
    db.session.add(CommentLike(comment_id=comment.id, visitor_hash=visitor, ip_hash=ip_hash))
    try:
        db.session.flush()
    except IntegrityError:  # the same visitor, twice at once: the other request counted it
        db.session.rollback()
        return comment.like_count
    return _change_count(comment, +1)


def unlike(site, comment, visitor):
    """Take the visitor's like back (nothing happens if there was none)."""
    check_likeable(site, comment)
    removed = db.session.execute(delete(CommentLike).where(
        CommentLike.comment_id == comment.id, CommentLike.visitor_hash == visitor
    )).rowcount
    if not removed:
        db.session.rollback()
        return comment.like_count
    return _change_count(comment, -1)


def _change_count(comment, delta):
    # In SQL, not in Python: two visitors liking at once must both count.
    db.session.execute(update(Comment).where(Comment.id == comment.id)
                       .values(like_count=Comment.like_count + delta))
    bump_version(comment.thread_id)
    db.session.commit()
    db.session.refresh(comment)
    return comment.like_count


def set_likes_enabled(site, enabled):
    """The per-site switch; every thread of the site is rendered anew."""
    site.likes_enabled = enabled
    bump_site_versions(site.id)
    db.session.commit()
