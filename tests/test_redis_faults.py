"""Redis that hangs or goes away costs milliseconds: after one failure the page cache and
the rate limiter skip it (counting and caching in the process) and try again after a
back-off, with a probe that waits at most 50 ms."""

import shutil
import socket
import subprocess
import threading
import time

import pytest

from widget import create_app, pagecache
from widget.extensions import db

from .abuse_helpers import comment_fields, fresh_token, post, thread_path, wait_until
from .conftest import BASE_CONFIG, make_comment, make_site, make_thread

SICK_REQUEST_SECONDS = 0.25  # a whole request, Redis skipped; a time-out alone costs 0.5 s


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers (a Redis that hangs)."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)  # kept open, never read from

    def stop(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_app(sqlite_template, tmp_path, redis_url, **config):
    path = tmp_path / "redis.sqlite"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "REDIS_URL": redis_url, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_KEY_PREFIX": f"faults{free_port()}", **config},
                     instance_path=str(tmp_path / "instance"))
    with app.app_context():
        site = make_site()
        make_comment(make_thread(site), "Cached or not")
        site_key = site.key
        db.session.remove()
    return app, site_key


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_a_hanging_redis_is_skipped_after_its_first_failure(sqlite_template, tmp_path):
    silent = SilentServer()
    app, site_key = redis_app(sqlite_template, tmp_path, f"redis://127.0.0.1:{silent.port}/0",
                              REDIS_BREAKER_SECONDS=60, RATELIMIT_POST="3 per minute")
    client = app.test_client()
    try:
        assert client.get(thread_path(site_key)).status_code == 200  # the failure, once
        token = fresh_token(client, site_key)
        first_post = post(client, site_key, comment_fields(token, "one"))
        assert first_post.status_code == 303  # the limiter's own time-out, once
        slowest = 0.0
        reader = app.test_client()  # no own comments: its pages go through the cache
        for _ in range(8):
            page, seconds = timed(lambda: reader.get(thread_path(site_key)))
            assert page.status_code == 200 and "Cached or not" in page.text
            slowest = max(slowest, seconds)
        statuses = []
        for text in ("two", "three", "four"):
            token = fresh_token(client, site_key)
            response, seconds = timed(lambda: post(client, site_key, comment_fields(token, text)))
            statuses.append(response.status_code)
            slowest = max(slowest, seconds)
        assert statuses == [303, 303, 429]  # counted in memory meanwhile
        assert slowest < SICK_REQUEST_SECONDS, slowest
        with app.app_context():
            breaker = pagecache.breaker()
            assert breaker.is_open
            breaker.retry_at = 0  # the back-off is over: one probe, and it is short
            started = time.monotonic()
            assert not breaker.allows()
            assert time.monotonic() - started < 0.1
    finally:
        silent.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own on a free port, which the test may stop and start."""
    binary = shutil.which("redis-server")
    if not binary:
        pytest.skip("needs redis-server on PATH")
    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()

    class OwnRedis:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(folder)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            assert wait_until(self.ping), "redis-server did not start"

        def stop(self):
            self.process.terminate()
            self.process.wait(10)

        def ping(self):
            import redis

            try:
                return redis.Redis.from_url(self.url, socket_timeout=0.2).ping()
            except redis.RedisError:
                return False

        def keys(self, pattern):
            import redis

            return list(redis.Redis.from_url(self.url).scan_iter(match=pattern))

    server = OwnRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_redis_stopped_and_restarted_mid_test(sqlite_template, tmp_path, own_redis):
    app, site_key = redis_app(sqlite_template, tmp_path, own_redis.url,
                              REDIS_BREAKER_SECONDS=0.2, RATELIMIT_POST="3 per minute")
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    client, reader = app.test_client(), app.test_client()  # a reader without own comments
    assert post(client, site_key, comment_fields(fresh_token(client, site_key))).status_code == 303
    keys = {key.decode() for key in own_redis.keys(f"*{prefix}*")}
    assert any(":page:" in key for key in keys) and any(":page:" not in key for key in keys)

    own_redis.stop()
    statuses, slowest = [], 0.0
    for text in ("during", "the", "outage"):
        token = fresh_token(client, site_key)
        response, seconds = timed(lambda: post(client, site_key, comment_fields(token, text)))
        statuses.append(response.status_code)
        page, page_seconds = timed(lambda: reader.get(thread_path(site_key)))
        assert page.status_code == 200
        slowest = max(slowest, seconds, page_seconds)
    assert statuses == [303, 303, 303]  # in memory the count starts again: 3 per minute
    assert post(client, site_key, comment_fields(fresh_token(client, site_key), "4th")
                ).status_code == 429
    assert slowest < SICK_REQUEST_SECONDS, slowest

    own_redis.start()  # empty: nothing was saved
    time.sleep(0.3)  # past the page cache's back-off
    assert wait_until(lambda: reader.get(thread_path(site_key)).status_code == 200
                      and bool(own_redis.keys(f"{prefix}:page:*")), timeout=5)
    with app.app_context():
        assert not pagecache.breaker().is_open
