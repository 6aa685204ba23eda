"""What a delivery sends: the event's JSON (no emails, no IP hashes), the bodies of the
Slack and Discord presets, and the X-Widget-Signature that lets a receiver trust it."""

import hashlib
import hmac
import json

from flask_babel import force_locale
from flask_babel import gettext as _

from ..models import CommentStatus
from .models import WebhookFormat

SLACK_TEXT_LIMIT = 3000  # Slack truncates a message's text around 40,000; keep it short
DISCORD_CONTENT_LIMIT = 2000  # Discord refuses longer content
EXCERPT_LIMIT = 500


def iso(moment):
    return moment.isoformat(timespec="seconds") + "Z" if moment is not None else None


def comment_payload(comment, erased=False):
    """The event's facts as they are now, stored with the delivery. `erased`: the
    commenter asked to be forgotten, so only the comment's place remains."""
    thread = comment.thread
    return {
        "site": thread.site.key,
        "thread": {"url": thread.url, "title": thread.title or ""},
        "comment": {
            "id": comment.id,
            "parent_id": comment.reply_to_id if comment.reply_to_id else comment.parent_id,
            "author": "" if erased else comment.author,
            "text": "" if erased else comment.text,
            "html": "" if erased else comment.html,  # sanitized by markup.py at write time
            "status": CommentStatus.DELETED.value if erased else comment.status.value,
            "permalink": f"{thread.url}#c-{comment.id}",
            "created_at": iso(comment.created_at),
            "edited_at": iso(comment.edited_at),
        },
    }


def erased_payload(payload):
    """The same payload with everything the commenter wrote removed."""
    comment = dict(payload.get("comment") or {}, author="", text="", html="")
    return dict(payload, comment=comment)


def generic_body(delivery, timestamp):
    return {"event": delivery.event, "delivery": delivery.uid, "timestamp": timestamp,
            **delivery.payload}


def _headline(event, author, title):
    if event == "comment.created":
        return _("New comment by %(author)s on “%(title)s”", author=author, title=title)
    if event == "comment.pending":
        return _("Comment by %(author)s awaiting moderation on “%(title)s”",
                 author=author, title=title)
    if event == "comment.approved":
        return _("Comment by %(author)s approved on “%(title)s”", author=author, title=title)
    return _("Comment by %(author)s deleted on “%(title)s”", author=author, title=title)


def _excerpt(text):
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_LIMIT else text[:EXCERPT_LIMIT - 1] + "…"


def _slack_escaped(text):
    """Slack reads <…> as links and mentions (<!channel>): escape as its docs say."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chat_body(delivery, language):
    """The Slack or Discord body: one readable message in the site's language."""
    comment = delivery.payload.get("comment") or {}
    thread = delivery.payload.get("thread") or {}
    with force_locale(language or "en"):
        headline = _headline(delivery.event, comment.get("author") or _("someone"),
                             thread.get("title") or thread.get("url") or "")
    excerpt = _excerpt(comment.get("text") or "")
    permalink = comment.get("permalink") or ""
    if delivery.webhook.format == WebhookFormat.SLACK:
        lines = [f"*{_slack_escaped(headline)}*"]
        if excerpt:
            lines.append("> " + _slack_escaped(excerpt))
        lines.append(f"<{_slack_escaped(permalink)}>")
        return {"text": "\n".join(lines)[:SLACK_TEXT_LIMIT]}
    lines = [f"**{headline}**"] + (["> " + excerpt] if excerpt else []) + [permalink]
    # No @everyone, @here or role pings from a commenter's text.
    return {"content": "\n".join(lines)[:DISCORD_CONTENT_LIMIT],
            "allowed_mentions": {"parse": []}}


def request_body(delivery, timestamp, language=None):
    """The bytes to POST: the signed JSON, or the chosen chat preset's message."""
    if delivery.webhook.format == WebhookFormat.GENERIC:
        body = generic_body(delivery, timestamp)
    else:
        body = chat_body(delivery, language)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret, timestamp, body):
    """HMAC-SHA256 over "TIMESTAMP.BODY": the timestamp is signed too, so that an old
    delivery replayed with a fresh X-Widget-Timestamp no longer verifies."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def request_headers(delivery, timestamp, body):
    return {
        "Content-Type": "application/json",
        "User-Agent": "widget-webhooks/1",
        "X-Widget-Event": delivery.event,
        "X-Widget-Delivery": delivery.uid,
        "X-Widget-Timestamp": str(timestamp),
        "X-Widget-Signature": signature(delivery.webhook.secret, timestamp, body),
    }
