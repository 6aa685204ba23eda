"""The outbox: emails are rows first, written with the change that caused them, then
sent by a background worker (or `flask mail send-pending`), retried with a growing delay
and kept with their error when they keep failing."""

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from ..background import BackgroundSender
from ..extensions import db
from ..models import OutboxMessage, utcnow
from .sender import deliver

log = logging.getLogger(__name__)
CLAIM_SECONDS = 300  # long enough for one SMTP conversation; then another sender may retry
WORKER_KEY = "widget.mail_worker"


def enqueue(kind, recipient, subject, body, headers=None):
    """Add a message to the session's transaction; it is sent after the commit."""
    subject = " ".join(subject.split())  # a name with a line break must not end the header
    message = OutboxMessage(kind=kind, recipient=recipient, subject=subject, body=body,
                            headers=headers or {})
    db.session.add(message)
    db.session.info["widget_mail_queued"] = True
    return message


def due_messages(now, limit):
    return db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
               OutboxMessage.next_attempt_at <= now,
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id).limit(limit)
    ).all()


def _claim(message_id, now):
    """Take the message for this sender, unless another process just did."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
               or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    ).rowcount
    db.session.commit()
    return claimed == 1


def send_due(limit=100):
    """Send what is due now; return (sent, to_retry, given_up) counts."""
    sent = to_retry = given_up = 0
    for message_id in due_messages(utcnow(), limit):
        if not _claim(message_id, utcnow()):
            continue
        message = db.session.get(OutboxMessage, message_id)
        message.attempts += 1
        message.claimed_until = None
        try:
            deliver(message)
        except Exception as error:  # SMTP, network, DNS: all are reasons to retry
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
                message.failed_at = utcnow()
                given_up += 1
                log.error("Gave up on mail %s to %s after %s attempts: %s", message.id,
                          message.recipient, message.attempts, message.last_error)
            else:
                delay = current_app.config["MAIL_RETRY_DELAY"] * 2 ** (message.attempts - 1)
                message.next_attempt_at = utcnow() + timedelta(seconds=delay)
                to_retry += 1
                log.warning("Mail %s to %s failed (attempt %s), retrying in %ss: %s",
                            message.id, message.recipient, message.attempts, delay,
                            message.last_error)
        else:
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
        db.session.commit()
    return sent, to_retry, given_up


def worker(app):
    return app.extensions.get(WORKER_KEY)


def _wake_after_commit(session):
    if not session.info.pop("widget_mail_queued", False):
        return
    mail_worker = worker(current_app) if has_app_context() else None
    if mail_worker is not None:
        mail_worker.wake()


def init_app(app):
    if app.config.get("MAIL_SERVER") and app.config["MAIL_WORKER"]:
        # Woken after a commit that queued mail, and every MAIL_POLL_INTERVAL for retries.
        app.extensions[WORKER_KEY] = BackgroundSender(app, "mail", "MAIL_POLL_INTERVAL",
                                                      send_due)


event.listen(Session, "after_commit", _wake_after_commit)
