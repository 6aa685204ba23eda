"""Signing in and out: CSRF, fresh sessions, the admin cookie, throttling, headers."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from widget.admin import throttle
from widget.admin.accounts import set_password
from widget.admin.session import ADMIN_COOKIE_NAME
from widget.extensions import db
from widget.models import LoginFailure
from widget.privacy import hash_ip

from .conftest import PASSWORD, Dashboard, csrf_of, make_admin, new_client


def admin_cookie(client):
    return client.get_cookie(ADMIN_COOKIE_NAME, domain="comments.test", path="/admin")


def test_login_page_has_labelled_fields_and_a_csrf_token(client):
    response = client.get("/admin/login")
    assert response.status_code == 200
    assert '<label for="email">Email</label>' in response.text
    assert '<label for="password">Password</label>' in response.text
    assert csrf_of(response.text)


def test_sign_in_lands_on_the_overview(client, superadmin):
    board = Dashboard(client)
    response = board.login(superadmin.email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    overview = client.get("/admin/")
    assert overview.status_code == 200
    assert "boss@example.org" in overview.text


def test_email_is_case_insensitive(client, superadmin):
    assert Dashboard(client).login("  BOSS@Example.ORG ").status_code == 303


@pytest.mark.parametrize("email, password", [
    ("boss@example.org", "wrong password"),
    ("nobody@example.org", PASSWORD),
])
def test_wrong_credentials_are_refused_with_one_message(client, superadmin, email, password):
    board = Dashboard(client)
    response = board.login(email, password)
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert f'value="{email}"' in response.text  # what was typed is kept (not the password)
    assert password not in response.text
    assert client.get("/admin/").status_code == 302


def test_missing_fields_are_named(client, superadmin):
    response = Dashboard(client).login("", "")
    assert response.status_code == 422
    assert "Enter your email address." in response.text
    assert "Enter your password." in response.text


def test_login_without_csrf_token_is_refused(client, superadmin):
    client.get("/admin/login")
    response = client.post("/admin/login", data={"email": superadmin.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.text
    assert client.get("/admin/").status_code == 302


def test_sign_in_starts_a_fresh_session(client, superadmin):
    """Nothing planted in the session before sign-in survives it (no session fixation)."""
    client.get("/admin/login")
    with client.session_transaction("/admin/") as session:
        session["planted"] = "by an attacker"
    before = admin_cookie(client).value
    Dashboard(client).login(superadmin.email)
    assert admin_cookie(client).value != before
    with client.session_transaction("/admin/") as session:
        assert "planted" not in session
        assert session["admin_id"] == superadmin.id


NEXT_URLS = {
    "/admin/comments?status=spam": "/admin/comments?status=spam",
    "https://evil.example/admin/": "/admin/",
    "//evil.example/admin/": "/admin/",
    "/t/elsewhere": "/admin/",
    "/admin\\@evil.example": "/admin/",
}


def test_next_is_followed_only_inside_the_dashboard(app, superadmin):
    for next_url, expected in NEXT_URLS.items():
        response = Dashboard(new_client(app)).login(superadmin.email, next_url=next_url)
        assert response.headers["Location"] == expected, next_url


def test_anonymous_visit_is_sent_to_login_and_back(client, superadmin):
    response = client.get("/admin/comments?status=spam")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=/admin/comments?status%3Dspam"
    page = client.get(response.headers["Location"])
    assert 'value="/admin/comments?status=spam"' in page.text


def test_logout_is_a_post_with_csrf(dashboard):
    assert dashboard.get("/admin/logout").status_code == 405
    assert dashboard.client.post("/admin/logout").status_code == 400  # no token
    assert dashboard.get("/admin/").status_code == 200
    response = dashboard.post("/admin/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login"
    assert dashboard.get("/admin/").status_code == 302


def test_admin_cookie_is_httponly_lax_and_scoped_to_admin(client, superadmin):
    response = Dashboard(client).login(superadmin.email)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{ADMIN_COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http here
    assert "Partitioned" not in cookie and "Domain" not in cookie


def test_admin_cookie_is_secure_over_https(client, superadmin):
    client.get("/admin/login", base_url="https://comments.test")
    token = csrf_of(client.get("/admin/login", base_url="https://comments.test").text)
    response = client.post(
        "/admin/login", base_url="https://comments.test",
        headers={"Referer": "https://comments.test/admin/login"},
        data={"email": superadmin.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_public_pages_do_not_see_the_admin_session(dashboard, site):
    """The admin cookie is never sent outside /admin, and the public session is another."""
    response = dashboard.get(f"/t/{site.key}?url=https://blog.example.com/x")
    assert ADMIN_COOKIE_NAME not in response.headers.get("Set-Cookie", "")
    with dashboard.client.session_transaction("/t/x") as session:
        assert "admin_id" not in session


def test_admin_pages_are_never_framed_nor_cached(dashboard):
    for path in ("/admin/", "/admin/login"):
        response = dashboard.get(path, follow_redirects=True)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_an_expired_session_must_sign_in_again(app, dashboard):
    assert dashboard.get("/admin/").status_code == 200
    app.config["ADMIN_SESSION_LIFETIME"] = -1
    assert dashboard.get("/admin/").status_code == 302


def test_changing_the_password_signs_out_open_sessions(dashboard, superadmin):
    assert dashboard.get("/admin/").status_code == 200
    set_password(superadmin.email, "a brand new password")
    assert dashboard.get("/admin/").status_code == 302


# Throttling: 3 free failures, then 1 s, 2 s, 4 s … between attempts; 10 lock for the window.

def age_failures(seconds):
    """Move every recorded failure into the past, as if time had passed."""
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at -= timedelta(seconds=seconds)
    db.session.commit()


def failures_by_kind():
    keys = db.session.scalars(select(LoginFailure.key)).all()
    return {kind: sum(key.startswith(kind + ":") for key in keys) for kind in ("email", "ip")}


def last_failure_at():
    return db.session.scalar(select(func.max(LoginFailure.at)))


def test_failed_sign_ins_are_counted_per_email_and_per_address(client, superadmin):
    board = Dashboard(client)
    for _ in range(3):
        assert board.login(superadmin.email, "wrong password").status_code == 401
    assert failures_by_kind() == {"email": 3, "ip": 3}
    ip_hash = hash_ip("127.0.0.1")
    assert throttle.seconds_to_wait(superadmin.email, ip_hash, now=last_failure_at()) == 1
    assert throttle.seconds_to_wait("someone@else.example", ip_hash, now=last_failure_at()) == 1
    assert throttle.seconds_to_wait(superadmin.email, None, now=last_failure_at()) == 1


def test_each_failure_doubles_the_wait_until_the_lock(app, superadmin):
    expected = [0, 0, 1, 2, 4, 8, 16, 32, 64, 900]  # after 1, 2, … 10 failures
    for wait in expected:
        throttle.record_failure(superadmin.email, None)
        assert throttle.seconds_to_wait(superadmin.email, None, now=last_failure_at()) == wait
    after_window = last_failure_at() + timedelta(seconds=901)
    assert throttle.seconds_to_wait(superadmin.email, None, now=after_window) == 0


def test_a_slowed_sign_in_is_refused_unchecked_then_allowed(client, superadmin):
    for _ in range(8):  # the next attempt must wait 32 s
        throttle.record_failure(superadmin.email, hash_ip("127.0.0.1"))
    board = Dashboard(client)
    response = board.login(superadmin.email)  # even the right password is not checked
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 32
    assert f"Too many failed sign-ins. Try again in {wait} seconds." in response.text
    assert f'value="{superadmin.email}"' in response.text
    assert failures_by_kind() == {"email": 8, "ip": 8}  # a refused attempt adds none
    age_failures(33)
    assert board.login(superadmin.email).status_code == 303
    # Success forgives the account, not the address.
    assert failures_by_kind() == {"email": 0, "ip": 8}


def test_ten_failures_lock_the_account_for_the_window(client, superadmin):
    for _ in range(10):
        throttle.record_failure(superadmin.email, None)
    board = Dashboard(client)
    response = board.login(superadmin.email, environ_base={"REMOTE_ADDR": "192.0.2.44"})
    assert response.status_code == 429
    assert 890 <= int(response.headers["Retry-After"]) <= 900
    assert "Try again in 15 minutes." in response.text
    age_failures(600)
    response = board.login(superadmin.email)
    assert response.status_code == 429
    assert 290 <= int(response.headers["Retry-After"]) <= 300
    age_failures(301)
    assert board.login(superadmin.email).status_code == 303


def test_failures_from_one_address_slow_every_account(client, superadmin):
    make_admin("other@example.org")
    for guess in range(8):
        throttle.record_failure(f"guess{guess}@example.org", hash_ip("127.0.0.1"))
    assert Dashboard(client).login("other@example.org").status_code == 429
    elsewhere = Dashboard(client)
    assert elsewhere.login("other@example.org",
                           environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 303
