"""The background sender: one thread per app process, woken after a commit that queued
a delivery and every WEBHOOK_POLL_INTERVAL seconds for retries (the mail outbox's
pattern, mail/outbox.py); started on first use, so that it is born after gunicorn forks."""

import logging
import threading

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from .rules import QUEUED_FLAG
from .sending import send_due

log = logging.getLogger(__name__)
WORKER_KEY = "widget.webhook_worker"


class WebhookWorker:
    def __init__(self, app):
        self.app = app
        self.wakeup = threading.Event()
        self.stopping = False
        self.thread = None
        self.lock = threading.Lock()

    def wake(self):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.stopping = False
                self.thread = threading.Thread(target=self._run, name="widget-webhooks",
                                               daemon=True)
                self.thread.start()
        self.wakeup.set()

    def stop(self, timeout=10):
        self.stopping = True
        self.wakeup.set()
        if self.thread is not None:
            self.thread.join(timeout)

    def _run(self):
        while not self.stopping:
            self.wakeup.wait(self.app.config["WEBHOOK_POLL_INTERVAL"])
            self.wakeup.clear()
            if self.stopping:
                break
            with self.app.app_context():
                try:
                    while send_due()[0]:
                        pass
                except Exception:
                    log.exception("The webhook worker could not process the deliveries")
                finally:
                    db.session.remove()


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
        app.extensions[WORKER_KEY] = WebhookWorker(app)


event.listen(Session, "after_commit", _wake_after_commit)
event.listen(Session, "after_soft_rollback", _forget_after_rollback)
