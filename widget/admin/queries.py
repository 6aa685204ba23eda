"""Read-only queries behind the dashboard pages, each limited to the admin's sites."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..models import Comment, CommentStatus, Site, Thread, utcnow
from .access import in_scope

EXCERPT_LENGTH = 160


@dataclass
class CommentFilter:
    """The queue's filters; None means "any"."""

    site_id: int | None = None
    status: CommentStatus | None = CommentStatus.PENDING
    thread_id: int | None = None
    text: str = ""
    account_id: int | None = None  # a commenter account's comments only


def comments_query(admin, filters):
    """Comments matching the filters, newest first, with their thread and site loaded."""
    query = (
        select(Comment)
        .join(Comment.thread)
        .options(contains_eager(Comment.thread).joinedload(Thread.site))
        .where(in_scope(Thread.site_id, admin))
    )
    if filters.site_id is not None:
        query = query.where(Thread.site_id == filters.site_id)
    if filters.status is not None:
        query = query.where(Comment.status == filters.status)
    if filters.thread_id is not None:
        query = query.where(Comment.thread_id == filters.thread_id)
    if filters.account_id is not None:
        query = query.where(Comment.account_id == filters.account_id)
    if filters.text:
        text = filters.text.strip()
        query = query.where(or_(
            Comment.text.icontains(text, autoescape=True),
            Comment.author.icontains(text, autoescape=True),
            Comment.email.icontains(text, autoescape=True),
            Comment.website.icontains(text, autoescape=True),
            Comment.ip_hash.startswith(text.lower(), autoescape=True),
        ))
    return query.order_by(Comment.created_at.desc(), Comment.id.desc())


def comments_by_ids(admin, comment_ids):
    """The comments among these ids that the admin may moderate (others are left out)."""
    if not comment_ids:
        return []
    return db.session.scalars(
        select(Comment).join(Comment.thread)
        .options(contains_eager(Comment.thread))
        .where(Comment.id.in_(comment_ids), in_scope(Thread.site_id, admin))
        .order_by(Comment.id)
    ).all()


def answered_id(comment):
    """The comment this one answers (a reply past the nesting limit hangs under an
    ancestor, but reply_to_id keeps what it answered)."""
    return comment.reply_to_id or comment.parent_id


def parents_of(comments):
    """The comments these answer, by id, in one query (for the "in reply to" excerpts)."""
    parent_ids = {answered_id(comment) for comment in comments if answered_id(comment)}
    if not parent_ids:
        return {}
    parents = db.session.scalars(select(Comment).where(Comment.id.in_(parent_ids)))
    return {parent.id: parent for parent in parents}


@dataclass
class SiteStats:
    site: Site
    pending: int
    today: int
    published: int


def site_stats(admin):
    """Per site: comments awaiting moderation, received since midnight UTC, published."""
    midnight = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    rows = db.session.execute(
        select(
            Site,
            func.count(Comment.id).filter(Comment.status == CommentStatus.PENDING),
            func.count(Comment.id).filter(Comment.created_at >= midnight),
            func.count(Comment.id).filter(Comment.status == CommentStatus.APPROVED),
        )
        .outerjoin(Thread, Thread.site_id == Site.id)
        .outerjoin(Comment, Comment.thread_id == Thread.id)
        .where(in_scope(Site.id, admin))
        .group_by(Site.id)
        .order_by(Site.name, Site.id)
    ).all()
    return [SiteStats(*row) for row in rows]


def latest_comments(admin, limit=10):
    return db.session.scalars(
        comments_query(admin, CommentFilter(status=None)).limit(limit)
    ).unique().all()


def threads_query(admin, site_id=None):
    query = (
        select(Thread).options(joinedload(Thread.site))
        .where(in_scope(Thread.site_id, admin))
    )
    if site_id is not None:
        query = query.where(Thread.site_id == site_id)
    return query.order_by(Thread.created_at.desc(), Thread.id.desc())


def comment_counts(threads):
    """{thread id: {status: count}} for these threads, in one query."""
    counts = {thread.id: {} for thread in threads}
    if not counts:
        return counts
    rows = db.session.execute(
        select(Comment.thread_id, Comment.status, func.count(Comment.id))
        .where(Comment.thread_id.in_(list(counts)))
        .group_by(Comment.thread_id, Comment.status)
    )
    for thread_id, status, count in rows:
        counts[thread_id][status] = count
    return counts
