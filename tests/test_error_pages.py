"""Error pages never depend on the request that caused the error: a rate-limited client or
a database outage meets a body that cannot be parsed (too large, no multipart boundary,
not UTF-8) and still gets its 429, 413 or 503, never a 500. When the body was valid the
retry page keeps the typed comment."""

import pytest

from widget import create_app

from .abuse_helpers import JSON, comment_fields, fresh_token, post, thread_path
from .conftest import BASE_CONFIG
LIMITED = {"RATELIMIT_ENABLED": True, "RATELIMIT_POST": "1 per minute",
           "RATELIMIT_POST_THREAD": "10 per minute", "MAX_CONTENT_LENGTH": 64 * 1024}

BAD_BODIES = {
    "huge form": (b"text=" + b"x" * (12 * 1024 * 1024), "application/x-www-form-urlencoded"),
    "multipart without boundary": (b"--x\r\nContent-Disposition: form-data; name=text\r\n\r\nhi",
                                   "multipart/form-data"),
    "multipart with a wrong boundary": (b"garbage\r\n--\r\n", "multipart/form-data; boundary=z"),
    "invalid UTF-8": (b"name=\xff\xfe&text=\xc3\x28&csrf_token=\x80", "application/x-www-form-urlencoded"),
    "invalid UTF-8 as JSON": (b"{\"text\": \"\xff\"}", "application/json"),
    "empty": (b"", "multipart/form-data"),
}


def assert_readable(response, status):
    body = response.get_data(as_text=True)
    assert response.status_code == status, body[:300]
    assert "Traceback" not in body
    return body


@pytest.mark.parametrize("app_config", [LIMITED])
@pytest.mark.parametrize("kind", list(BAD_BODIES))
@pytest.mark.parametrize("accept", [{}, JSON])
def test_a_rate_limited_client_sending_a_bad_body_gets_a_429(client, site, kind, accept):
    assert post(client, site.key, comment_fields(fresh_token(client, site.key))).status_code == 303
    body, content_type = BAD_BODIES[kind]
    response = client.post(thread_path(site.key), data=body,
                           headers={"Content-Type": content_type, **accept})
    # The limit is checked before the body is read: a 429 even for a body over the cap.
    assert "posting too often" in assert_readable(response, 429)


@pytest.mark.parametrize("app_config", [LIMITED])
def test_a_rate_limited_client_with_a_valid_body_keeps_the_typed_text(client, site):
    token = fresh_token(client, site.key)
    assert post(client, site.key, comment_fields(token)).status_code == 303
    response = post(client, site.key, comment_fields(token, "Kept for later", name="Kay"))
    body = assert_readable(response, 429)
    assert "Kept for later" in body and 'value="Kay"' in body


@pytest.mark.parametrize("app_config", [LIMITED])
def test_a_huge_body_on_the_429_is_not_read(client, site, monkeypatch):
    """The limit trips before the view; the retry page must not read a 12 MB body even
    when no MAX_CONTENT_LENGTH stops it first."""
    client.application.config["MAX_CONTENT_LENGTH"] = None
    assert post(client, site.key, comment_fields(fresh_token(client, site.key))).status_code == 303
    response = client.post(thread_path(site.key), data=b"text=" + b"y" * (12 * 1024 * 1024),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    body = assert_readable(response, 429)
    assert "y" * 100 not in body  # the text was too large to keep: a form without it


@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_a_database_outage_with_a_bad_body_is_a_503(tmp_path, kind):
    app = create_app({**BASE_CONFIG, "MAX_CONTENT_LENGTH": None,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/gone/widget.sqlite"},
                     instance_path=str(tmp_path))
    body, content_type = BAD_BODIES[kind]
    response = app.test_client().post(thread_path("anysite"), data=body,
                                      headers={"Content-Type": content_type})
    assert "Comment not saved yet" in assert_readable(response, 503)


def test_a_database_outage_keeps_a_valid_comment(tmp_path):
    app = create_app({**BASE_CONFIG,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/gone/widget.sqlite"},
                     instance_path=str(tmp_path))
    response = app.test_client().post(thread_path("anysite"),
                                      data=comment_fields("stale", "Not lost", name="Nell"))
    body = assert_readable(response, 503)
    assert "Not lost" in body and 'value="Nell"' in body


def test_a_thread_page_with_a_bad_url_and_a_bad_body_is_a_4xx(client, site):
    response = client.post(f"/t/{site.key}?url=%00", data=b"\xff",
                           headers={"Content-Type": "multipart/form-data"})
    assert 400 <= response.status_code < 500
    assert_readable(response, response.status_code)
