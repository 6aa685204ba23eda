"""Sign-in providers the tests run on 127.0.0.1: a real OpenID Connect provider
(oidc-provider-mock, with PKCE enforced by a small wrapper, since the mock itself does not
check it), and a GitHub-like OAuth 2 provider (no OpenID Connect: a /user API)."""

import base64
import hashlib
import io
import json
import os
import secrets
import threading
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask, abort, jsonify, redirect, request
from werkzeug.serving import make_server


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@contextmanager
def serving(wsgi_app):
    """The app on http://127.0.0.1:PORT in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def insecure_transport():
    """Authlib refuses plain HTTP unless told it is a test."""
    before = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = before


class PKCEChecked:
    """WSGI wrapper of the mock provider: remembers each code's code_challenge when the
    authorization form issues it, and refuses the token request whose code_verifier does
    not hash to it (RFC 7636, S256 only)."""

    def __init__(self, app):
        self.app = app
        self.challenges = {}
        self.requests = []  # (path, query) of every authorization request seen

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/oauth2/authorize":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            self.requests.append(query)
            challenge = (query.get("code_challenge") or [None])[0]
            method = (query.get("code_challenge_method") or [None])[0]

            def remember(status, headers, exc_info=None):
                location = dict(headers).get("Location", "")
                code = (parse_qs(urlsplit(location).query).get("code") or [None])[0]
                if code:
                    self.challenges[code] = (challenge, method)
                return start_response(status, headers, exc_info)

            return self.app(environ, remember)
        if path == "/oauth2/token":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(body)
            form = parse_qs(body.decode())
            code = (form.get("code") or [""])[0]
            verifier = (form.get("code_verifier") or [""])[0]
            challenge, method = self.challenges.pop(code, (None, None))
            if method != "S256" or not verifier or s256(verifier) != challenge:
                payload = json.dumps({"error": "invalid_grant",
                                      "error_description": "PKCE verification failed"}).encode()
                start_response("400 Bad Request", [("Content-Type", "application/json"),
                                                   ("Content-Length", str(len(payload)))])
                return [payload]
        return self.app(environ, start_response)


@contextmanager
def oidc_provider():
    """A real OpenID Connect provider (oidc-provider-mock): yields (base URL, wrapper)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import oidc_provider_mock

    wrapped = PKCEChecked(oidc_provider_mock.app(require_nonce=True))
    with insecure_transport(), serving(wrapped) as base_url:
        wrapped.base_url = base_url
        yield wrapped


def set_oidc_user(provider, sub, **claims):
    """The mock's user `sub` with these claims (name, email, email_verified…)."""
    import httpx

    response = httpx.put(f"{provider.base_url}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def authorize_at_mock(authorize_url, sub=None, deny=False):
    """Do what the reader does on the mock's form: Authorize as `sub`, or Deny. Returns
    the redirect back to us (the callback URL with code/state or error)."""
    import httpx

    form = {"action": "deny"} if deny else {"sub": sub}
    response = httpx.post(authorize_url, data=form, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


class GitHubLike:
    """A small OAuth 2 provider shaped like GitHub: it authorizes at once (or denies), and
    says who the token belongs to at /user and which emails at /user/emails."""

    def __init__(self):
        self.codes = {}
        self.tokens = {}
        self.user = {"id": 4242, "login": "octocat", "name": "The Octocat"}
        self.emails = [{"email": "Octo@Example.com", "primary": True, "verified": True}]
        self.deny = False
        self.token_delay = 0.0
        self.app = self._make_app()

    def _make_app(self):
        app = Flask(__name__)

        @app.get("/login/oauth/authorize")
        def authorize():
            args = request.args
            back = args["redirect_uri"]
            if self.deny:
                return redirect(back + "?" + urlencode(
                    {"error": "access_denied", "state": args["state"]}))
            code = secrets.token_urlsafe(16)
            self.codes[code] = (args.get("code_challenge"), args.get("code_challenge_method"),
                                args["client_id"], dict(self.user))
            return redirect(back + "?" + urlencode({"code": code, "state": args["state"]}))

        @app.post("/login/oauth/access_token")
        def access_token():
            time.sleep(self.token_delay)
            challenge, method, client_id, user = self.codes.pop(
                request.form.get("code", ""), (None, None, None, None))
            verifier = request.form.get("code_verifier", "")
            auth = request.authorization
            given_id = auth.username if auth else request.form.get("client_id")
            if user is None or given_id != client_id or method != "S256" \
                    or s256(verifier) != challenge:
                return jsonify(error="bad_verification_code"), 400
            token = secrets.token_urlsafe(16)
            self.tokens[token] = user
            return jsonify(access_token=token, token_type="bearer", scope="read:user")

        def token_user():
            header = request.headers.get("Authorization", "")
            user = self.tokens.get(header.removeprefix("Bearer ").strip())
            if user is None:
                abort(401)
            return user

        @app.get("/user")
        def user():
            return jsonify(token_user())

        @app.get("/user/emails")
        def emails():
            token_user()
            return jsonify(self.emails)

        return app

    def settings(self, base_url):
        return {"title": "Hub", "client_id": "hub-client", "client_secret": "hub-secret",
                "authorize_url": f"{base_url}/login/oauth/authorize",
                "access_token_url": f"{base_url}/login/oauth/access_token",
                "api_base_url": f"{base_url}/", "userinfo_endpoint": "user",
                "emails_endpoint": "user/emails", "scope": "read:user user:email"}


@contextmanager
def github_like():
    provider = GitHubLike()
    with insecure_transport(), serving(provider.app) as base_url:
        provider.base_url = base_url
        yield provider
