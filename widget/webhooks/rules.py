"""Webhook rules: which URLs and events are accepted, queuing a delivery for each
subscribed webhook of a site in the caller's transaction, and resending one."""

import ipaddress
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, selectinload

from ..extensions import db
from ..i18n import count_text
from ..models import Thread
from .models import EVENTS, Webhook, WebhookDelivery, WebhookFormat
from .payloads import comment_payload, erased_payload

URL_MAX_LENGTH = 2048
QUEUED_FLAG = "widget_webhooks_queued"  # in session.info: wake the sender after commit


class WebhookRefused(Exception):
    """Bad input for a new webhook; `errors` maps each field to its messages."""

    def __init__(self, errors):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def is_private_host(host):
    """Loopback, private, link-local (cloud metadata) or otherwise not public."""
    host = host.lower().rstrip(".")
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False  # a name: checked again, resolved, when sending (sending.py)
    return not address.is_global


def url_problem(url):
    """Why the URL cannot receive webhooks, or None."""
    if not url:
        return _("Enter the URL that should receive the webhook.")
    if len(url) > URL_MAX_LENGTH:
        return count_text("The URL is too long (at most %(num)s character).",
                          "The URL is too long (at most %(num)s characters).", URL_MAX_LENGTH)
    if any(character.isspace() for character in url):
        return _("A URL cannot contain spaces.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError:
        return _("This is not a valid URL.")
    if parts.scheme not in ("http", "https"):
        return _("The URL must start with https:// or http://.")
    if not parts.hostname:
        return _("The URL has no host name.")
    if (is_private_host(parts.hostname)
            and not current_app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"]):
        return _("Webhooks cannot be sent to this server's own network "
                 "(localhost, private or link-local addresses).")
    return None


def validated(url, events, format_name):
    """The cleaned (url, events, format) of a new webhook, or WebhookRefused."""
    url = (url or "").strip()
    errors = {}
    problem = url_problem(url)
    if problem:
        errors["url"] = [problem]
    unknown = [event for event in events if event not in EVENTS]
    if unknown:
        errors["events"] = [_("Unknown events: %(events)s.", events=", ".join(unknown))]
    elif not events:
        errors["events"] = [_("Choose at least one event.")]
    try:
        webhook_format = WebhookFormat(format_name or WebhookFormat.GENERIC.value)
    except ValueError:
        errors["format"] = [_("Choose generic, slack or discord.")]
        webhook_format = None
    if errors:
        raise WebhookRefused(errors)
    return url, [event for event in EVENTS if event in events], webhook_format


def create_webhook(site, url, events, format_name):
    """Add a webhook to the session (the caller commits); its secret is shown once."""
    url, events, webhook_format = validated(url, events, format_name)
    webhook = Webhook(site_id=site.id, url=url, events=events, format=webhook_format)
    db.session.add(webhook)
    db.session.flush()
    return webhook


def site_webhooks(site_id):
    return db.session.scalars(select(Webhook).where(Webhook.site_id == site_id)
                              .order_by(Webhook.id)).all()


def enqueue(event, comment, erased=False):
    """Queue the event for every webhook of the comment's site that wants it, in the
    session's transaction: stored with the change that caused it, or not at all."""
    thread = comment.thread or db.session.get(Thread, comment.thread_id)
    # Asked on every post, and mostly answered "none": plain rows by a statement built once.
    webhook_ids = [webhook_id for webhook_id, events
                   in db.session.execute(_SITE_EVENTS, {"site_id": thread.site_id})
                   if event in events]
    if not webhook_ids:
        return []
    payload = comment_payload(comment, erased=erased)
    deliveries = [WebhookDelivery(webhook_id=webhook_id, event=event, comment_id=comment.id,
                                  payload=payload) for webhook_id in webhook_ids]
    db.session.add_all(deliveries)
    db.session.info[QUEUED_FLAG] = True
    return deliveries


_WEBHOOKS = Webhook.__table__.c
_SITE_EVENTS = (select(_WEBHOOKS.id, _WEBHOOKS.events)
                .where(_WEBHOOKS.site_id == bindparam("site_id")).order_by(_WEBHOOKS.id))


def forget_comment(comment):
    """An erased comment: its earlier deliveries keep the event, not what was written."""
    for delivery in db.session.scalars(select(WebhookDelivery)
                                       .where(WebhookDelivery.comment_id == comment.id)):
        if delivery.webhook.site_id == comment.thread.site_id:
            delivery.payload = erased_payload(delivery.payload)


def resend(delivery):
    """Send a delivery's event again as a new delivery (a new id, so that a receiver
    that dropped the first as a repeat takes this one); the caller commits."""
    again = WebhookDelivery(webhook_id=delivery.webhook_id, event=delivery.event,
                            comment_id=delivery.comment_id, payload=delivery.payload,
                            resend_of_id=delivery.id)
    db.session.add(again)
    db.session.info[QUEUED_FLAG] = True
    return again


def recent_deliveries(site_id, limit=50):
    """The site's newest deliveries, each with its webhook and attempts (three queries)."""
    return db.session.scalars(
        select(WebhookDelivery).join(Webhook).where(Webhook.site_id == site_id)
        .options(contains_eager(WebhookDelivery.webhook),
                 selectinload(WebhookDelivery.attempt_log))
        .order_by(WebhookDelivery.id.desc()).limit(limit)
    ).all()
