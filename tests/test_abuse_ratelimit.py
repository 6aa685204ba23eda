"""Rate limits: per network, per network and thread, shared through Redis, clear 429s."""

import os
import secrets

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from widget import create_app
from widget.clients import client_network
from widget.extensions import csrf, db
from widget.models import Comment
from widget.ratelimit import login_limit

from .abuse_helpers import JSON, comment_fields, fresh_token, post, post_new, thread_path
from .conftest import ARTICLE, BASE_CONFIG, make_comment, make_site, make_thread

REDIS_URL = os.environ.get("WIDGET_TEST_REDIS_URL")
OTHER_ARTICLE = "https://blog.example.com/posts/other"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_POST": "3 per minute",
            "RATELIMIT_POST_THREAD": "2 per minute"}


def stored():
    return db.session.scalar(select(func.count(Comment.id)))


def from_ip(ip):
    return {"environ_base": {"REMOTE_ADDR": ip}}


def test_posts_per_thread_are_limited_with_a_clear_page_that_keeps_the_text(client, site):
    for number in range(2):
        assert post_new(client, site.key, f"Comment {number}").status_code == 303
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "My third, carefully typed"))
    assert response.status_code == 429
    assert "You are posting too often." in response.text
    assert "Please wait" in response.text and "seconds" in response.text
    assert "My third, carefully typed" in response.text  # still in the form
    assert 'name="csrf_token"' in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert "frame-ancestors https://blog.example.com" in response.headers["Content-Security-Policy"]
    assert stored() == 2


def test_per_thread_limit_leaves_other_threads_open_until_the_per_network_limit(client, site):
    assert post_new(client, site.key, "a").status_code == 303
    assert post_new(client, site.key, "b").status_code == 303
    assert post_new(client, site.key, "c", url=OTHER_ARTICLE).status_code == 303
    # 3 per minute per network, whatever the thread:
    assert post_new(client, site.key, "d", url=OTHER_ARTICLE).status_code == 429
    assert stored() == 3


def test_json_429_has_message_and_retry_after(client, site):
    for number in range(2):
        assert post_new(client, site.key, f"c{number}", headers=JSON).status_code == 201
    response = post_new(client, site.key, "too many", headers=JSON)
    assert response.status_code == 429
    assert response.json["error"] == "Too many requests"
    assert response.json["message"].startswith("You are posting too often. Please wait")
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_readers_are_not_limited_by_posting(client, site):
    for number in range(3):
        post_new(client, site.key, f"c{number}")
    assert post_new(client, site.key, "over").status_code == 429
    for _ in range(20):
        assert client.get(thread_path(site.key)).status_code == 200


def test_one_network_shares_a_limit_and_another_network_has_its_own(client, site):
    def post_from(ip, text):
        token = fresh_token(client, site.key)
        return post(client, site.key, comment_fields(token, text), **from_ip(ip)).status_code

    # three addresses of one /24, on one thread: 2 per minute per network and thread
    assert [post_from(f"198.51.100.{n}", f"n{n}") for n in (1, 2, 3)] == [303, 303, 429]
    assert post_from("192.0.2.10", "another network") == 303


def test_ipv6_addresses_of_one_48_share_a_limit(client, site):
    statuses = []
    for index, ip in enumerate(["2001:db8:1:1::1", "2001:db8:1:2::9", "2001:db8:1:ffff::5"]):
        token = fresh_token(client, site.key)
        statuses.append(post(client, site.key, comment_fields(token, f"v6 {index}"),
                             **from_ip(ip)).status_code)
    assert statuses == [303, 303, 429]
    token = fresh_token(client, site.key)
    assert post(client, site.key, comment_fields(token, "elsewhere"),
                **from_ip("2001:db8:2::1")).status_code == 303


@pytest.mark.parametrize("ip, network", [
    ("203.0.113.77", "203.0.113.0/24"),
    ("::ffff:203.0.113.77", "203.0.113.0/24"),
    ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
    ("fe80::1%eth0", "fe80::/48"),
    ("not-an-ip", "not-an-ip"),
    (None, "unknown"),
])
def test_client_network(ip, network):
    assert client_network(ip) == network


def test_forwarded_for_is_ignored_without_trusted_proxies(client, site):
    statuses = []
    for index in range(3):
        token = fresh_token(client, site.key)
        statuses.append(post(client, site.key, comment_fields(token, f"p{index}"),
                             headers={"X-Forwarded-For": f"10.{index}.0.1"}).status_code)
    assert statuses == [303, 303, 429]  # one client, whatever it claims


@pytest.mark.parametrize("app_config", [{
    "RATELIMIT_ENABLED": True, "RATELIMIT_POST": "1 per minute", "PROXY_HOPS": 1,
}])
def test_forwarded_for_names_the_client_behind_one_trusted_proxy(client, site):
    def post_as(ip, text):
        token = fresh_token(client, site.key)
        return post(client, site.key, comment_fields(token, text),
                    headers={"X-Forwarded-For": ip}).status_code

    assert post_as("192.0.2.1", "first") == 303
    assert post_as("192.0.2.2", "same /24") == 429
    assert post_as("198.51.100.1", "another network") == 303
    assert post_as("1.2.3.4, 198.51.100.9", "the proxy appends the real one") == 429


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": False,
                                         "RATELIMIT_POST": "1 per minute"}])
def test_limits_can_be_switched_off(client, site):
    for number in range(4):
        assert post_new(client, site.key, f"c{number}").status_code == 303


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "RATELIMIT_COUNTS": "3 per minute"}])
def test_the_counts_api_is_limited_per_network(client, site):
    def counts(ip="127.0.0.1", method="get"):
        return getattr(client, method)("/api/counts", query_string={"site": site.key,
                                                                    "url": ARTICLE},
                                       environ_base={"REMOTE_ADDR": ip})

    assert [counts().status_code for _ in range(2)] == [200, 200]
    assert counts(method="post").status_code == 200  # the POST form counts too
    limited = counts()
    assert limited.status_code == 429
    assert limited.json["error"] == "Too many requests"
    assert limited.json["message"].startswith("Too many requests from your network. Please wait")
    assert int(limited.headers["Retry-After"]) > 0
    assert counts(ip="192.0.2.1").status_code == 200  # another network
    assert client.get(thread_path(site.key)).status_code == 200  # readers still read


def test_the_login_limit_is_ready_for_the_admin_sign_in(tmp_path):
    """The admin side is not built yet: a stand-in sign-in view wears the decorator."""
    app = create_app({**BASE_CONFIG, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_LOGIN": "1 per minute", "SQLALCHEMY_DATABASE_URI": "sqlite://"},
                     instance_path=str(tmp_path))
    stand_in = Blueprint("login_stand_in", __name__)

    @stand_in.route("/stand-in-login", methods=["GET", "POST"])
    @login_limit
    def login():
        return "ok"

    csrf.exempt(stand_in)  # the real form will carry flask-wtf's token
    app.register_blueprint(stand_in)
    client = app.test_client()
    assert [client.post("/stand-in-login").status_code for _ in range(2)] == [200, 429]
    assert "Too many sign-in attempts." in client.post("/stand-in-login").text
    assert client.get("/stand-in-login").status_code == 200  # only attempts are counted


# --- Redis: the limits every worker and machine share ---------------------------------

@pytest.fixture
def redis_config():
    if not REDIS_URL:
        pytest.skip("Redis tests need WIDGET_TEST_REDIS_URL (see README: Tests)")
    prefix = f"test-{secrets.token_hex(6)}"
    yield {"RATELIMIT_ENABLED": True, "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
           "RATELIMIT_POST": "2 per minute", "RATELIMIT_POST_THREAD": "10 per minute"}
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"*{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def test_redis_holds_the_counts_for_every_worker(database, tmp_path, redis_config):
    """Two app instances (two workers) on one Redis see one budget, kept in Redis."""
    import redis


    worker_a = create_app({**BASE_CONFIG, **database, **redis_config},
                          instance_path=str(tmp_path / "a"))
    with worker_a.app_context():
        site_key = make_site().key
        client_a = worker_a.test_client()
        assert post_new(client_a, site_key, "from worker A").status_code == 303
        db.session.remove()
    worker_b = create_app({**BASE_CONFIG, **database, **redis_config},
                          instance_path=str(tmp_path / "b"))
    with worker_b.app_context():
        client_b = worker_b.test_client()
        assert post_new(client_b, site_key, "from worker B").status_code == 303
        assert post_new(client_b, site_key, "one too many").status_code == 429
        db.session.remove()
        db.engine.dispose()
    connection = redis.Redis.from_url(REDIS_URL)
    keys = [key.decode() for key in connection.scan_iter(match=f"*{redis_config['RATELIMIT_KEY_PREFIX']}*")]
    connection.close()
    assert keys, "the counters live in Redis"
    assert not any("127.0.0" in key for key in keys), "keys hold a hash, not the address"
    with worker_a.app_context():
        db.engine.dispose()


def test_posting_goes_on_when_redis_is_down(database, tmp_path, redis_config):
    """Counting falls back to memory: comments are still taken, and still limited."""

    config = {**BASE_CONFIG, **database, **redis_config,
              "REDIS_URL": "redis://127.0.0.1:9/0"}  # the discard port: nothing listens
    app = create_app(config, instance_path=str(tmp_path))
    with app.app_context():
        site_key = make_site().key
        client = app.test_client()
        statuses = [post_new(client, site_key, f"c{number}").status_code for number in range(3)]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [303, 303, 429]


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "RATELIMIT_ACTIONS": "3 per minute"}])
def test_likes_and_previews_share_a_limit_per_network(client, site):
    comment = make_comment(make_thread(site), "Worth a like")
    token = fresh_token(client, site.key)

    def like(ip="127.0.0.1"):
        return client.post(f"/t/{site.key}/like?url={ARTICLE}", headers=JSON,
                           data={"csrf_token": token, "comment": comment.id, "action": "toggle",
                                 "visitor": secrets.token_hex(16)},
                           environ_base={"REMOTE_ADDR": ip})

    def preview(ip="127.0.0.1"):
        return client.post(f"/t/{site.key}/preview?url={ARTICLE}", headers=JSON,
                           data={"csrf_token": token, "text": "*draft*"},
                           environ_base={"REMOTE_ADDR": ip})

    assert [like().status_code, preview().status_code, like().status_code] == [200, 200, 200]
    limited = preview()
    assert limited.status_code == 429
    assert limited.json["message"].startswith("Too many requests from your network.")
    assert int(limited.headers["Retry-After"]) > 0
    assert like().status_code == 429
    assert preview(ip="192.0.2.1").status_code == 200  # another network
    assert post_new(client, site.key, "Posting is counted apart").status_code == 303


def test_default_limits_are_settings(app):
    assert app.config["RATELIMIT_POST"] and app.config["RATELIMIT_POST_THREAD"]
    assert app.config["RATELIMIT_COUNTS"] and app.config["RATELIMIT_LOGIN"]
    assert app.config["RATELIMIT_ACTIONS"]
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
