"""The README's receivers, in Python and in Node, taken from the README itself, verify
real deliveries, refuse forged and stale ones, and handle a repeated delivery once."""

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.test_webhooks import deliveries, post_through_rules
from widget.extensions import db
from widget.webhooks.models import EVENTS
from widget.webhooks.payloads import request_body, request_headers
from widget.webhooks.rules import create_webhook
from widget.webhooks.sending import send_due

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def app_config():
    return {"WEBHOOK_WORKER": False, "WEBHOOK_ALLOW_PRIVATE_TARGETS": True,
            "WEBHOOK_RETRY_DELAY": 0, "WEBHOOK_TIMEOUT": 2}


def readme_snippet(language):
    section = README.read_text().split("## Webhooks", 1)[1].split("\n## ", 1)[0]
    [code] = re.findall(rf"```{language}\n(.*?)```", section, re.S)
    return code


def signed_request(delivery, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    body = request_body(delivery, timestamp)
    return request_headers(delivery, timestamp, body), body


def test_the_python_snippet(site):
    webhook = create_webhook(site, "https://hooks.example.com/in", list(EVENTS), "generic")
    db.session.commit()
    comment = post_through_rules(site, "Checked in Python")
    [delivery] = deliveries()
    snippet = {}
    exec(readme_snippet("python"), snippet)  # noqa: S102  (our own README)
    verify, refused = snippet["verify_webhook"], snippet["Refused"]

    headers, body = signed_request(delivery)
    event = verify(webhook.secret, headers, body)
    assert event["event"] == "comment.created" and event["comment"]["id"] == comment.id
    assert verify(webhook.secret, headers, body) is None  # the same delivery again

    with pytest.raises(refused, match="bad signature"):
        verify("another secret", *signed_request(delivery))
    with pytest.raises(refused, match="bad signature"):
        verify(webhook.secret, headers, body.replace(b"Checked", b"Forged!"))
    old_headers, old_body = signed_request(delivery, timestamp=int(time.time()) - 301)
    with pytest.raises(refused, match="too old"):
        verify(webhook.secret, old_headers, old_body)
    with pytest.raises(refused, match="bad signature"):  # an old request with a new time
        verify(webhook.secret, {**old_headers, "X-Widget-Timestamp": headers[
            "X-Widget-Timestamp"]}, old_body)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_node_snippet(app, site, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook = create_webhook(site, f"http://127.0.0.1:{port}/hooks", list(EVENTS), "generic")
    db.session.commit()
    script = tmp_path / "receiver.js"
    script.write_text(readme_snippet("js"))
    node = subprocess.Popen(["node", str(script)], stdout=subprocess.PIPE, text=True,
                            env={"WIDGET_WEBHOOK_SECRET": webhook.secret, "PORT": str(port),
                                 "PATH": "/usr/bin:/bin"})
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        comment = post_through_rules(site, "Checked in Node")
        assert send_due() == (1, 0, 0)
        delivery = deliveries()[0]
        assert delivery.last_status_code == 204

        delivery.delivered_at = None  # sent again: acknowledged, not handled twice
        db.session.commit()
        assert send_due() == (1, 0, 0)

        webhook.secret = "f" * 64  # now the receiver holds the wrong secret
        post_through_rules(site, "Forged")
        assert send_due() == (0, 1, 0)
        assert deliveries()[-1].last_status_code == 401
    finally:
        node.terminate()
        output, _ = node.communicate(timeout=10)
    assert output.splitlines() == [
        f"comment.created {comment.id} https://blog.example.com/posts/hello#c-{comment.id}"]
