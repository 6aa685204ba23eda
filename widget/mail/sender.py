"""Turn an outbox row into a MIME message and hand it to the SMTP server (stdlib only)."""

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app


def build_message(outbox_message):
    config = current_app.config
    message = EmailMessage()
    headers = dict(outbox_message.headers or {})
    # The site's name as the sender's display name (mail/language.py sender_for).
    message["From"] = headers.pop("From", None) or config.get("MAIL_FROM") or "widget@localhost"
    message["To"] = outbox_message.recipient
    message["Subject"] = outbox_message.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(f"outbox-{outbox_message.id}")
    message["Auto-Submitted"] = "auto-generated"
    for name, value in headers.items():
        message[name] = value
    message.set_content(outbox_message.body)
    return message


def deliver(outbox_message):
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]),
                      timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            # str(): from_prefixed_env reads an all-digit password as a number
            smtp.login(str(config["MAIL_USERNAME"]), str(config.get("MAIL_PASSWORD") or ""))
        smtp.send_message(build_message(outbox_message))
