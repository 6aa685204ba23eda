"""API fixtures: a client whose every request runs in its own app context, helpers to
fetch a form token and post through the API, and API tokens."""

from urllib.parse import quote

import pytest

from tests.admin.conftest import make_admin, new_client
from tests.conftest import ARTICLE
from widget.api.tokens import create_token
from widget.extensions import db

HOST = "https://blog.example.com"


@pytest.fixture
def client(app):
    return new_client(app)


def api(site, path="", url=ARTICLE):
    query = f"?url={quote(url, safe='')}" if url else ""
    return f"/api/v1/sites/{site.key}{path}{query}"


def fetch_token(client, site, url=ARTICLE):
    response = client.get(api(site, "/form-token", url))
    assert response.status_code == 200, response.json
    return response.json["token"]


def post(client, site, text="Hello from the API", url=ARTICLE, headers=None, **fields):
    body = {"token": fields.pop("token", None) or fetch_token(client, site, url),
            "name": "Ann", "text": text, **fields}
    return client.post(api(site, "/comments", url), json=body, headers=headers or {})


def make_token(admin, sites, scope="moderate", name="script"):
    token, secret = create_token(admin, name, scope, list(sites))
    db.session.commit()
    return secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def superadmin(app):
    return make_admin()
