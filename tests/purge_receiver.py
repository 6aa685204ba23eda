"""A real HTTP receiver on 127.0.0.1 for purges (method, path, xkey-purge header), which can
be told to fail the next requests with a status code."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class PurgeReceiver:
    def __init__(self):
        self.script = []  # statuses for the next requests (then 200)
        self.received = []  # (method, path, tags) of every request, failed ones too
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/purge"

    def tags(self):
        """Every tag of every request the receiver answered with success."""
        with self.lock:
            return [tag for _, _, tags, status in self.received if status == 200
                    for tag in tags]

    def wait_for(self, count, timeout=10):
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, timeout)

    def handle(self, handler):
        with self.lock:
            status = self.script.pop(0) if self.script else 200
            self.received.append((handler.command, handler.path,
                                  handler.headers.get("xkey-purge", "").split(), status))
            self.arrived.notify_all()
        return status


def _handler_for(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):
            self.send_response(receiver.handle(self))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def purge_receiver():
    receiver = PurgeReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield receiver
    server.shutdown()
    server.server_close()
