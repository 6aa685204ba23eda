"""Webhook deliveries sent in the background (widget/background.py, as the mail outbox
is): woken after a commit that queued a delivery, and every WEBHOOK_POLL_INTERVAL seconds
for retries."""

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..background import BackgroundSender
from .rules import QUEUED_FLAG
from .sending import send_due

WORKER_KEY = "widget.webhook_worker"


def worker(app):
    return app.extensions.get(WORKER_KEY)


def _wake_after_commit(session):
    if not session.info.pop(QUEUED_FLAG, False):
        return
    webhook_worker = worker(current_app) if has_app_context() else None
    if webhook_worker is not None:
        webhook_worker.wake()


def _forget_after_rollback(session, previous_transaction):
    session.info.pop(QUEUED_FLAG, None)


def init_app(app):
    if app.config["WEBHOOK_WORKER"]:
        app.extensions[WORKER_KEY] = BackgroundSender(app, "webhooks", "WEBHOOK_POLL_INTERVAL",
                                                      send_due)


event.listen(Session, "after_commit", _wake_after_commit)
event.listen(Session, "after_soft_rollback", _forget_after_rollback)
