"""The data of webhooks: a site's endpoints, the deliveries queued for them, and every
attempt at sending one (its status code, error and duration, for the dashboard)."""

import enum
import secrets
import uuid
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Site, utcnow


class WebhookFormat(enum.StrEnum):
    GENERIC = "generic"  # the signed JSON described in the README
    SLACK = "slack"  # {"text": …} for a Slack incoming webhook
    DISCORD = "discord"  # {"content": …} for a Discord webhook


# What a webhook may subscribe to, in the order the dashboard lists them.
EVENTS = ("comment.created", "comment.pending", "comment.approved", "comment.deleted")


def new_secret():
    return secrets.token_hex(32)


def new_delivery_uid():
    return str(uuid.uuid4())


class Webhook(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    format: Mapped[WebhookFormat] = mapped_column(
        db.Enum(WebhookFormat, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        default=WebhookFormat.GENERIC,
    )
    # The HMAC-SHA256 key of X-Widget-Signature: kept readable (we sign with it), shown
    # to the admin only once, when the webhook is made.
    secret: Mapped[str] = mapped_column(String(64), default=new_secret)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()

    @property
    def shown_url(self):
        """The URL as pages and the audit log show it: a Slack or Discord webhook URL is
        itself a credential (anyone holding it can post), so only its start is shown;
        any query string (often a token) is hidden whatever the format."""
        parts = urlsplit(self.url)
        path = parts.path
        if self.format != WebhookFormat.GENERIC:
            kept = "/".join(path.split("/")[:3])
            path = kept + "/…" if kept != path.rstrip("/") else path
        return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], path,
                           "…" if parts.query else "", ""))


class WebhookDelivery(db.Model):
    """One event for one webhook: written in the transaction that caused it, sent in the
    background, retried with a doubling delay, kept with its last error when given up."""

    __table_args__ = (
        Index("ix_webhook_delivery_due", "delivered_at", "failed_at", "next_attempt_at"),
        Index("ix_webhook_delivery_webhook_id_id", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # X-Widget-Delivery: the same on every retry, so a receiver can drop repeats.
    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_delivery_uid)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    comment_id: Mapped[int | None]  # no foreign key: an erased comment's delivery stays
    # What the event said when it happened (payloads.comment_payload); the body is built
    # from it at each attempt, with that attempt's timestamp.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # A resend from the dashboard is a new delivery (a new id) that names the original.
    resend_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]  # a sender is on it (one process at a time)
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]  # gave up after WEBHOOK_MAX_ATTEMPTS
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    webhook: Mapped[Webhook] = relationship()
    attempt_log: Mapped[list["WebhookAttempt"]] = relationship(
        order_by="WebhookAttempt.id", cascade="all, delete-orphan", passive_deletes=True)

    @property
    def state(self):
        """"delivered", "failed" (given up) or "queued" (not sent yet, or to be retried)."""
        if self.delivered_at is not None:
            return "delivered"
        if self.failed_at is not None:
            return "failed"
        return "queued"


class WebhookAttempt(db.Model):
    """One POST of a delivery: what the receiver answered, or why there was no answer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_delivery.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int] = mapped_column(default=0)
