"""A background sender: one thread per app process that sends what a table has due.

The mail outbox and the webhook deliveries work alike: a request only writes a row in its
own transaction; after the commit this thread is woken to send it, and it also wakes
every few seconds (a setting) for retries. It starts on first use, so that it is born
after gunicorn forks its workers.
"""

import logging
import threading

from .extensions import db

log = logging.getLogger(__name__)


class BackgroundSender:
    def __init__(self, app, name, poll_setting, send_due):
        """send_due() sends one batch and returns a tuple whose first item counts what
        it sent (0 when nothing is due)."""
        self.app = app
        self.name = name
        self.poll_setting = poll_setting
        self.send_due = send_due
        self.wakeup = threading.Event()
        self.stopping = False
        self.thread = None
        self.lock = threading.Lock()

    def wake(self):
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.stopping = False
                self.thread = threading.Thread(target=self._run, name=f"widget-{self.name}",
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
            self.wakeup.wait(self.app.config[self.poll_setting])
            self.wakeup.clear()
            if self.stopping:
                break
            with self.app.app_context():
                try:
                    while self.send_due()[0]:
                        pass
                except Exception:
                    log.exception("The %s sender could not send what was due", self.name)
                finally:
                    db.session.remove()
