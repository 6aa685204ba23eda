"""The data: sites that embed us, one thread per article, and their comments."""

import enum
import secrets
from datetime import UTC, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow():
    """Naive UTC, the same on SQLite and PostgreSQL; rendered with a Z suffix."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_site_key():
    return secrets.token_urlsafe(9)


class ModerationMode(enum.StrEnum):
    NONE = "none"
    FIRST = "first"  # first-time commenters wait for approval
    ALL = "all"


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    DELETED = "deleted"


class Site(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True, default=new_site_key)
    name: Mapped[str] = mapped_column(String(200))
    allowed_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    moderation: Mapped[ModerationMode] = mapped_column(
        db.Enum(ModerationMode, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        default=ModerationMode.NONE,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    threads: Mapped[list["Thread"]] = relationship(back_populates="site")


class Thread(db.Model):
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(300), default="")
    # Bumped on every change to the thread's comments: a cache key valid on every instance.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(back_populates="threads")


class Comment(db.Model):
    # The thread page's one query: all comments of a thread, in order.
    __table_args__ = (Index("ix_comment_thread_id_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), index=True
    )
    author: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))  # never shown publicly
    website: Mapped[str | None] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)  # Markdown as typed
    html: Mapped[str] = mapped_column(Text)  # sanitized at write time
    status: Mapped[CommentStatus] = mapped_column(
        db.Enum(CommentStatus, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        default=CommentStatus.APPROVED,
    )
    ip_hash: Mapped[str | None] = mapped_column(String(64))  # salted; never the raw IP
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    thread: Mapped[Thread] = relationship()
