"""Sign-in attempts per client network are also rate limited (WIDGET_RATELIMIT_LOGIN)."""

import pytest

from .conftest import Dashboard


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "2 per minute"}


def test_sign_in_attempts_per_network_are_limited(client, superadmin):
    board = Dashboard(client)
    assert board.login(superadmin.email, "wrong password").status_code == 401
    assert board.login(superadmin.email, "wrong password").status_code == 401
    response = board.login(superadmin.email)
    assert response.status_code == 429
    assert "Too many sign-in attempts." in response.text
    assert client.get("/admin/login").status_code == 200  # only attempts are counted
    other_network = {"environ_base": {"REMOTE_ADDR": "192.0.2.1"}}
    assert board.login(superadmin.email, **other_network).status_code == 303
