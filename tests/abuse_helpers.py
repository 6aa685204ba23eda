"""Helpers for the abuse tests: post through the real form, run the app on a real server."""

import threading
import time
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from itsdangerous import URLSafeTimedSerializer
from werkzeug.serving import make_server

from widget import create_app
from widget.embed.forms import FORM_TOKEN_SALT

from .conftest import ARTICLE, BASE_CONFIG, TEST_SECRET, form_token

JSON = {"Accept": "application/json"}


def thread_path(site_key, url=ARTICLE, **extra):
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in {"url": url, **extra}.items())
    return f"/t/{site_key}?{query}"


def fresh_token(client, site_key, url=ARTICLE):
    response = client.get(thread_path(site_key, url))
    assert response.status_code == 200, response.text
    return form_token(response.text)


def make_token(site_key, url=ARTICLE, nonce="nonce-for-tests", issued=None):
    """A form token as the page would have rendered it at `issued` (a Unix time)."""
    serializer = URLSafeTimedSerializer(TEST_SECRET, salt=FORM_TOKEN_SALT)
    if issued is None:
        return serializer.dumps({"t": f"{site_key} {url}", "n": nonce})
    signer = serializer.make_signer(FORM_TOKEN_SALT)
    signer.get_timestamp = lambda: int(issued)
    payload = serializer.dump_payload({"t": f"{site_key} {url}", "n": nonce})
    return signer.sign(payload).decode()


def comment_fields(token, text="Hello there", name="Ann", **extra):
    return {"csrf_token": token, "name": name, "text": text, "email": "", "website": "",
            "parent": "", **extra}


def post(client, site_key, fields, url=ARTICLE, headers=None, **kwargs):
    return client.post(thread_path(site_key, url), data=fields, headers=headers or {}, **kwargs)


def post_new(client, site_key, text="Hello there", url=ARTICLE, headers=None, **fields):
    """GET the page for a fresh form token, then POST a comment with it."""
    token = fresh_token(client, site_key, url)
    return post(client, site_key, comment_fields(token, text, **fields), url, headers)


class LiveServer:
    """The app on http://127.0.0.1:PORT in a thread (werkzeug's threaded server)."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def live_app(database, tmp_path, **config):
    """A second app on the test's database, without SERVER_NAME, for a real server."""
    settings = {**BASE_CONFIG, **database, **config}
    settings.pop("SERVER_NAME")
    return create_app(settings, instance_path=str(tmp_path / "live"))


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def now():
    return datetime.now(UTC).timestamp()


def skip_without(variable, value):
    if not value:
        pytest.skip(f"needs {variable} (see README: Tests)")
