"""Signing in from tests: SSO tokens as a host site makes them, and the thread's forms."""

import time

import jwt

from tests.conftest import ARTICLE, form_token
from widget.accounts.sso import ensure_secret

HOST = "https://blog.example.com"
JSON = {"Accept": "application/json", "Origin": HOST}


def sso_token(site_or_secret, sub="42", name="Kevin", lifetime=600, **claims):
    """A token as the host's server signs it (HS256 with the site's secret)."""
    secret = (site_or_secret if isinstance(site_or_secret, str)
              else ensure_secret(site_or_secret))
    now = int(time.time())
    payload = {"sub": sub, "name": name, "iat": now, "exp": now + lifetime, **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret,
                      algorithm="HS256")


def thread_url(site, path="", url=ARTICLE):
    return f"/t/{site.key}{path}?url={url}"


def page_token(client, site):
    return form_token(client.get(thread_url(site)).text)


def who_am_i(client, site, **fields):
    data = {"csrf_token": page_token(client, site), **fields}
    return client.post(thread_url(site, "/account"), data=data, headers=JSON)


def sign_in_sso(client, site, **claims):
    """The commenter token the thread gets for a host site's user."""
    response = who_am_i(client, site, sso=sso_token(site, **claims))
    assert response.status_code == 200, response.json
    assert response.json["signed_in"] is True
    return response.json["token"]


def post_comment(client, site, text="Hello", headers=JSON, **fields):
    data = {"csrf_token": page_token(client, site), "text": text, **fields}
    return client.post(thread_url(site), data=data, headers=headers)
