"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it verifies each delivery as
the README tells receivers to (signature, timestamp age, repeated delivery id) and can be
told to fail (a status code) or to hang (longer than the sender's timeout) first."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

MAX_AGE = 300  # seconds: older timestamps are refused as replays


class Receiver:
    def __init__(self):
        self.secrets = []  # the webhooks' secrets, added by the test once they exist
        self.script = []  # what to do with the next requests: a status code or "hang"
        self.accepted = []  # verified deliveries: {"headers", "body", "json"}
        self.refused = []  # (reason, headers) of the requests that failed verification
        self.requests = 0
        self.seen_ids = set()
        self.release = threading.Event()  # ends every hang at shutdown
        self.lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks"

    def verify(self, headers, body):
        """The README's receiver, in short: None when the delivery is genuine and new."""
        timestamp = headers.get("X-Widget-Timestamp", "")
        signed = timestamp.encode() + b"." + body
        given = headers.get("X-Widget-Signature", "")
        if not any(hmac.compare_digest("sha256=" + hmac.new(secret.encode(), signed,
                                                            hashlib.sha256).hexdigest(), given)
                   for secret in self.secrets):
            return "bad signature"
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_AGE:
            return "stale timestamp"
        if headers.get("X-Widget-Delivery") in self.seen_ids:
            return "repeated delivery"
        return None

    def handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        with self.lock:
            self.requests += 1
            step = self.script.pop(0) if self.script else 200
        if step == "hang":
            self.release.wait(10)
            return 200
        if step != 200:
            return step
        headers = dict(handler.headers.items())
        with self.lock:
            problem = self.verify(headers, body)
            if problem:
                self.refused.append((problem, headers))
                # A repeat was handled before: acknowledged, so that it is not sent again.
                return 200 if problem == "repeated delivery" else 401
            self.seen_ids.add(headers["X-Widget-Delivery"])
            self.accepted.append({"headers": headers, "body": body, "json": json.loads(body)})
        return 200


def _handler_for(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            status = receiver.handle(self)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the sender gave up waiting

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.release.set()
    server.shutdown()
    server.server_close()
