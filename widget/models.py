"""The data: sites that embed us, one thread per article, their comments, and the admins,
bans and audit log that moderate them."""

import enum
import secrets
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow():
    """Naive UTC, the same on SQLite and PostgreSQL; rendered with a Z suffix."""
    return datetime.now(UTC).replace(tzinfo=None)


SITE_KEY_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_site_key():
    """Twelve letters and digits: safe in URLs and as a command-line argument (a key
    from token_urlsafe may start with "-")."""
    return "".join(secrets.choice(SITE_KEY_ALPHABET) for _ in range(12))


class ModerationMode(enum.StrEnum):
    NONE = "none"
    FIRST = "first"  # first-time commenters wait for approval
    # Only signed-in commenters with Site.trusted_after approved comments skip the queue.
    TRUSTED = "trusted"
    ALL = "all"


class Commenters(enum.StrEnum):
    """Who may comment on a site."""

    ANYONE = "anyone"
    SIGNED_IN = "signed_in"


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
    likes_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The language of its threads when the snippet names none (data-lang); None: the
    # reader's browser decides.
    default_language: Mapped[str | None] = mapped_column(String(16))
    # Sanitized by css_sanitizer.py before it is stored; served at /t/<key>/custom.css.
    custom_css: Mapped[str] = mapped_column(Text, default="", server_default="")
    comments_open: Mapped[bool] = mapped_column(default=True, server_default=true())
    # None: the service-wide WIDGET_COMMENT_MAX_LENGTH (which also caps this one).
    max_comment_length: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Spam rules of this site, on top of the global WIDGET_BLOCKED_WORDS / WIDGET_MAX_LINKS.
    blocked_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_links: Mapped[int | None]  # None: the global default
    commenters: Mapped[Commenters] = mapped_column(
        db.Enum(Commenters, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        default=Commenters.ANYONE, server_default=Commenters.ANYONE.value,
    )
    # ModerationMode.TRUSTED: how many approved comments make a member trusted.
    trusted_after: Mapped[int] = mapped_column(default=3, server_default="3")
    # The HS256 key the site signs its visitors' SSO tokens with (accounts/sso.py); the
    # previous one keeps working for a grace period after a rotation.
    sso_secret: Mapped[str | None] = mapped_column(String(64))
    sso_previous_secret: Mapped[str | None] = mapped_column(String(64))
    sso_rotated_at: Mapped[datetime | None]
    # The sign-in providers its threads offer, by their names in WIDGET_LOGIN_PROVIDERS
    # (accounts/providers.py), in the order shown.
    login_providers: Mapped[list[str]] = mapped_column(JSON, default=list)

    threads: Mapped[list["Thread"]] = relationship(back_populates="site")


class Thread(db.Model):
    __table_args__ = (UniqueConstraint("site_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(300), default="")
    # Bumped on every change to the thread's comments: a cache key valid on every instance.
    version: Mapped[int] = mapped_column(default=1)
    # Approved comments, counted again whenever the version is bumped (threads.py), so
    # count.js asks for one number per article instead of counting comments.
    approved_count: Mapped[int] = mapped_column(default=0, server_default="0")
    closed: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship(back_populates="threads")


class Comment(db.Model):
    # The thread page's one query: all comments of a thread, in order.
    __table_args__ = (
        Index("ix_comment_thread_id_id", "thread_id", "id"),
        # Counts of approved comments per thread (count.js) from the index alone.
        Index("ix_comment_thread_id_status", "thread_id", "status"),
        UniqueConstraint("thread_id", "import_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL"), index=True
    )
    # The comment this one answers; differs from parent_id when the depth cap moved the
    # reply up the tree, and the page then links "in reply to @name".
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="SET NULL")
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
    # One submit, one comment: derived from the rendered form's nonce and the content,
    # so a double click or a retried request finds the comment it already made.
    submit_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    spam_reason: Mapped[str | None] = mapped_column(String(200))  # why it was held
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    # Kept in step with comment_like rows in the same transaction, so that the page's one
    # query can show counts and sort by them.
    like_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The author ticked "Email me replies"; sent only once the address is confirmed.
    notify_replies: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Where an imported comment came from ("disqus:123"): a re-run adds nothing twice.
    import_key: Mapped[str | None] = mapped_column(String(100))
    # Written by a signed-in commenter (accounts/): the account, and how they signed in
    # ("sso:blog.example.com", "email"), shown beside the name as readable text.
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True)
    verified_via: Mapped[str | None] = mapped_column(String(100))
    # The language of the page the author asked for reply notifications on: their
    # notifications speak it, whoever replies (mail/language.py).
    language: Mapped[str | None] = mapped_column(String(16))

    thread: Mapped[Thread] = relationship()


class CommentLike(db.Model):
    """One like per visitor per comment; the visitor is a keyed hash, never the raw token."""

    __table_args__ = (UniqueConstraint("comment_id", "visitor_hash"),
                      Index("ix_comment_like_comment_id_ip_hash", "comment_id", "ip_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    visitor_hash: Mapped[str] = mapped_column(String(64))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailAddress(db.Model):
    """An address that asked for reply notifications: double opt-in and opt-out state."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lowercased
    confirmation_sent_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(db.Model):
    """An email waiting to be sent: written in the poster's transaction, sent in the
    background, retried with a growing delay, kept with its error if it keeps failing."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "sent_at", "failed_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]  # a sender is on it (one process at a time)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # gave up after MAIL_MAX_ATTEMPTS; kept for the admin
    last_error: Mapped[str | None] = mapped_column(Text)


class IpSalt(db.Model):
    """A random salt for IP hashes, one per period; old ones are deleted (privacy.py)."""

    period: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Which sites a moderator may see and change; a superadmin needs no rows here.
admin_site = Table(
    "admin_site",
    db.metadata,
    Column("admin_id", ForeignKey("admin.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)


class Admin(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lowercased
    password_hash: Mapped[str] = mapped_column(String(255))  # werkzeug scrypt
    is_superadmin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The dashboard's language at the last sign-in: moderation mails to this address
    # speak it (mail/language.py).
    language: Mapped[str | None] = mapped_column(String(16))

    sites: Mapped[list[Site]] = relationship(secondary=admin_site, order_by=Site.id)


class Ban(db.Model):
    """Refuses new comments by an email or an IP hash, on one site or (site None) all."""

    __table_args__ = (
        CheckConstraint("(email IS NULL) <> (ip_hash IS NULL)", name="email_or_ip_hash"),
        Index("ix_ban_email", "email"),
        Index("ix_ban_ip_hash", "ip_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    email: Mapped[str | None] = mapped_column(String(254))  # stored lowercased
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("admin.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site | None] = relationship()
    created_by: Mapped[Admin | None] = relationship()


class AuditEntry(db.Model):
    """One moderation action: who did what to which comment (or ban, thread, site), when."""

    __table_args__ = (Index("ix_audit_entry_site_id_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="SET NULL"))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    details: Mapped[str] = mapped_column(Text, default="")  # English (older rows: as written)
    # A message of admin/audit_details.py and its parameters, shown in the reader's language
    details_message: Mapped[str | None] = mapped_column(String(32))
    details_params: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    admin: Mapped[Admin | None] = relationship()
    site: Mapped[Site | None] = relationship()


class LoginFailure(db.Model):
    """A failed admin sign-in, counted per email and per IP hash to slow guessing."""

    __table_args__ = (Index("ix_login_failure_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))  # "email:HMAC" or "ip:IP_HASH"
    at: Mapped[datetime] = mapped_column(default=utcnow)
