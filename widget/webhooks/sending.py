"""Sending deliveries: due ones are claimed, POSTed with httpx (WEBHOOK_TIMEOUT), every
attempt recorded, failures retried with a doubling delay up to WEBHOOK_MAX_ATTEMPTS;
finished deliveries are forgotten after WEBHOOK_DELIVERIES_KEPT_DAYS (at most hourly).

Like the mail outbox (mail/outbox.py), the rows are written in the poster's transaction
and sent by a background thread woken after that commit, or by `webhooks send-pending`.
"""

import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from flask import current_app
from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..models import utcnow
from .models import WebhookAttempt, WebhookDelivery
from .payloads import request_body, request_headers
from .rules import is_private_host

log = logging.getLogger(__name__)
CLAIM_SECONDS = 300  # longer than any timeout; then another sender may retry
ERROR_MAX_LENGTH = 2000
PRUNE_EVERY_SECONDS = 3600
PRUNED_AT_KEY = "widget.webhooks_pruned_at"


class RefusedTarget(Exception):
    """The URL's host resolves to this server's own network."""


def due_deliveries(now, limit):
    return db.session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None),
               WebhookDelivery.next_attempt_at <= now,
               or_(WebhookDelivery.claimed_until.is_(None),
                   WebhookDelivery.claimed_until < now))
        .order_by(WebhookDelivery.id).limit(limit)
    ).all()


def _claim(delivery_id, now):
    """Take the delivery for this sender, unless another process just did."""
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.delivered_at.is_(None),
               or_(WebhookDelivery.claimed_until.is_(None),
                   WebhookDelivery.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    ).rowcount
    db.session.commit()
    return claimed == 1


def check_target(url):
    """Refuse a host that resolves to a loopback, private or link-local address, unless
    WEBHOOK_ALLOW_PRIVATE_TARGETS: a moderator must not make us probe our own network."""
    if current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    if is_private_host(host):
        raise RefusedTarget(f"{host} is on this server's own network")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for *_, address in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        if is_private_host(address[0]):
            raise RefusedTarget(f"{host} resolves to {address[0]}, on this server's own network")


def post(delivery):
    """One attempt: returns the status code; raises on no answer or a non-2xx answer."""
    config = current_app.config
    timestamp = int(time.time())
    body = request_body(delivery, timestamp, language=delivery.webhook.site.default_language)
    check_target(delivery.webhook.url)
    response = httpx.post(delivery.webhook.url, content=body,
                          headers=request_headers(delivery, timestamp, body),
                          timeout=config["WEBHOOK_TIMEOUT"], follow_redirects=False)
    return response.status_code


def _attempt(delivery):
    """POST once and record the attempt; True when the receiver took it (2xx)."""
    started = time.monotonic()
    status_code, error = None, None
    try:
        status_code = post(delivery)
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except httpx.TimeoutException as exc:
        error = f"Timed out after {current_app.config['WEBHOOK_TIMEOUT']}s ({type(exc).__name__})"
    except Exception as exc:  # connection refused, DNS, TLS, a refused target
        error = f"{type(exc).__name__}: {exc}"
    duration_ms = round((time.monotonic() - started) * 1000)
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:ERROR_MAX_LENGTH] if error else None
    db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=status_code,
                                  error=delivery.last_error, duration_ms=duration_ms))
    return error is None


def prune_finished(now):
    """Forget deliveries delivered or given up over WEBHOOK_DELIVERIES_KEPT_DAYS ago (their
    attempts go with them): the table would otherwise grow by one row per event forever.
    Returns how many went."""
    cutoff = now - timedelta(days=current_app.config["WEBHOOK_DELIVERIES_KEPT_DAYS"])
    pruned = db.session.execute(
        delete(WebhookDelivery)
        .where(or_(WebhookDelivery.delivered_at < cutoff, WebhookDelivery.failed_at < cutoff))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return pruned


def _prune_now_and_then():
    """Prune from the sender, at most once an hour per process (it is woken after every
    post that queues a delivery)."""
    extensions = current_app.extensions
    if time.monotonic() < extensions.get(PRUNED_AT_KEY, float("-inf")) + PRUNE_EVERY_SECONDS:
        return
    extensions[PRUNED_AT_KEY] = time.monotonic()
    pruned = prune_finished(utcnow())
    if pruned:
        log.info("Forgot %s finished webhook deliveries", pruned)


def send_due(limit=100):
    """Send what is due now; return (delivered, to_retry, given_up) counts."""
    _prune_now_and_then()
    delivered = to_retry = given_up = 0
    config = current_app.config
    for delivery_id in due_deliveries(utcnow(), limit):
        if not _claim(delivery_id, utcnow()):
            continue
        delivery = db.session.get(WebhookDelivery, delivery_id)
        delivery.claimed_until = None
        if _attempt(delivery):
            delivery.delivered_at = utcnow()
            delivered += 1
        elif delivery.attempts >= config["WEBHOOK_MAX_ATTEMPTS"]:
            delivery.failed_at = utcnow()
            given_up += 1
            log.error("Gave up on webhook delivery %s to %s after %s attempts: %s",
                      delivery.uid, delivery.webhook.url, delivery.attempts, delivery.last_error)
        else:
            delay = config["WEBHOOK_RETRY_DELAY"] * 2 ** (delivery.attempts - 1)
            delivery.next_attempt_at = utcnow() + timedelta(seconds=delay)
            to_retry += 1
            log.warning("Webhook delivery %s to %s failed (attempt %s), retrying in %ss: %s",
                        delivery.uid, delivery.webhook.url, delivery.attempts, delay,
                        delivery.last_error)
        db.session.commit()
    return delivered, to_retry, given_up
