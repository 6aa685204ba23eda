"""Security headers and request ids on every response; custom error pages, no stack traces."""

import logging
import re

import pytest
from flask import abort

from .abuse_helpers import JSON, comment_fields, fresh_token, post, post_new, thread_path
from .conftest import ARTICLE


class Boom(Exception):
    pass


@pytest.fixture
def crashing_app(app):
    """The app with two routes that fail the way bugs and outages do."""

    def crash():
        raise Boom("secret detail: SELECT * FROM comment WHERE email='x'")

    app.add_url_rule("/test-crash", "test_crash", crash)
    app.add_url_rule("/test-unavailable", "test_unavailable", lambda: abort(503))
    return app


def responses_of_every_kind(client, site):
    """(label, response) for a success, every error page we make, static and scripts."""
    token = fresh_token(client, site.key)
    yield "thread page", client.get(thread_path(site.key))
    yield "posted", post(client, site.key, comment_fields(token, "hello"))
    yield "posted json", post(client, site.key, comment_fields(token, "hi again"), headers=JSON)
    yield "unknown route", client.get("/nowhere")
    yield "unknown site", client.get(thread_path("nope"))
    yield "bad url", client.get(thread_path(site.key, "javascript:alert(1)"))
    yield "origin not allowed", client.get(thread_path(site.key, "https://evil.example/"))
    yield "method", client.put(thread_path(site.key))
    yield "invalid form", post(client, site.key, comment_fields(token, ""))
    yield "cross-site post", post(client, site.key, comment_fields(token, "x"),
                                  headers={"Origin": "https://evil.example"})
    yield "crash", client.get("/test-crash")
    yield "crash json", client.get("/test-crash", headers=JSON)
    yield "unavailable", client.get("/test-unavailable")
    with client.get("/static/thread.css") as static:
        yield "static", static
    with client.get("/embed.js") as script:
        yield "loader script", script


def test_every_response_has_security_headers_and_a_request_id(crashing_app, client, site):
    seen_ids = set()
    for label, response in responses_of_every_kind(client, site):
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", label
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", label
        assert "default-src" in headers["Content-Security-Policy"], label
        assert "frame-ancestors" in headers["Content-Security-Policy"], label
        assert re.fullmatch(r"[0-9a-f]{16}", headers["X-Request-Id"]), label
        seen_ids.add(headers["X-Request-Id"])
    assert len(seen_ids) == 15  # one per request


def test_a_crash_is_a_custom_500_with_a_reference_and_no_details(crashing_app, client, caplog):
    response = client.get("/test-crash")
    assert response.status_code == 500
    body = response.text
    assert "<h1>Something went wrong</h1>" in body
    reference = response.headers["X-Request-Id"]
    assert f"<code>{reference}</code>" in body
    for leak in ("Traceback", "Boom", "secret detail", "SELECT", "comment WHERE"):
        assert leak not in body
    # the operator's log has the request id and the whole story
    record = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert record.getMessage().startswith(f"[request {reference}] Unhandled error on GET /test-crash")
    assert "secret detail" in caplog.text and "Traceback" in caplog.text


def test_a_crash_as_json_carries_the_reference(crashing_app, client):
    response = client.get("/test-crash", headers=JSON)
    assert response.status_code == 500
    assert response.json == {"error": "Something went wrong", "request_id":
                             response.headers["X-Request-Id"], "message":
                             "The server could not finish this request. Please try again in a moment."}


def test_4xx_pages_are_ours_and_carry_no_reference(client, site):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "<h1>Not found</h1>" in response.text
    assert "error-reference" not in response.text
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_client_cannot_choose_its_request_id(client, site):
    response = client.get(thread_path(site.key), headers={"X-Request-Id": "forged-id-12345"})
    assert response.headers["X-Request-Id"] != "forged-id-12345"


@pytest.mark.parametrize("app_config", [{"PROXY_HOPS": 1}])
def test_a_trusted_proxy_may_pass_its_request_id(client, site):
    response = client.get(thread_path(site.key), headers={"X-Request-Id": "proxy-id-12345"})
    assert response.headers["X-Request-Id"] == "proxy-id-12345"
    response = client.get(thread_path(site.key), headers={"X-Request-Id": "bad id; injected"})
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-Id"])


def test_the_thread_page_frames_only_for_the_site(client, site):
    response = client.get(thread_path(site.key, ARTICLE))
    assert "frame-ancestors https://blog.example.com" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_an_invalid_post_page_is_framable_by_the_site(client, site):
    response = post_new(client, site.key, "")
    assert response.status_code == 422
    assert "frame-ancestors https://blog.example.com" in response.headers["Content-Security-Policy"]
