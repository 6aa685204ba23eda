"""Signed-in browsers: the commenter token, and who the request's viewer is.

Inside a cross-site iframe the browser may keep no cookie, so the token travels the
way the own-comments list does (embed/own.py): the answer to a sign-in carries it,
thread.js hands it to the loader, the loader keeps it in the host page's first-party
localStorage and gives it back to the next page view by postMessage, never in a URL.
Requests name it in a form field or a header; where the browser does keep the
(partitioned) session cookie, the cookie carries it too, for pages without scripts.

The token is signed and names its site; the database keeps only its hash, one row per
signed-in browser, so "Sign out" deletes one row and "Sign out everywhere" all of them.
"""

import hashlib
import secrets
from dataclasses import dataclass

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select

from ..extensions import db
from .models import Account, AccountSession

TOKEN_SALT = "widget.commenter-session"
TOKEN_FIELD = "account_token"
TOKEN_HEADER = "X-Widget-Account"
SESSION_KEY = "accounts"  # in the session cookie: {site key: token}
MAX_TOKEN_LENGTH = 512


@dataclass
class Viewer:
    """A signed-in commenter, as the request proved it."""

    account: Account
    session: AccountSession
    token: str

    @property
    def method(self):
        return self.session.method


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=TOKEN_SALT)


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(account, method, replaced_token=None):
    """A new token for this browser; the one it had before (if any) stops working, so a
    sign-in never keeps a session someone else may have planted or seen."""
    if replaced_token:
        end_session(account.site, replaced_token)
    secret = secrets.token_urlsafe(32)
    db.session.add(AccountSession(account_id=account.id, token_hash=_hash(secret), method=method))
    db.session.commit()
    token = _serializer().dumps({"s": account.site.key, "k": secret})
    session.setdefault(SESSION_KEY, {})[account.site.key] = token
    session.modified = True
    return token


def _secret_of(site, token):
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("s") != site.key:
        return None
    secret = payload.get("k")
    return secret if isinstance(secret, str) else None


def find_viewer(site, token):
    """The signed-in commenter a token names on this site, or None (unknown, revoked,
    forged, another site's, or the account banned)."""
    secret = _secret_of(site, token)
    if secret is None:
        return None
    row = db.session.execute(
        select(AccountSession, Account).join(Account, Account.id == AccountSession.account_id)
        .where(AccountSession.token_hash == _hash(secret), Account.site_id == site.id,
               Account.banned_at.is_(None))
    ).first()
    return Viewer(row[1], row[0], token) if row else None


def request_token(site):
    """The token this request carries for the site: a form field, a header, or the cookie."""
    return (request.form.get(TOKEN_FIELD) or request.headers.get(TOKEN_HEADER)
            or (session.get(SESSION_KEY) or {}).get(site.key))


def current_viewer(site):
    """Who is signed in on this request, or None; memoised on the request itself (not on
    g, which lives as long as the app context and may outlast one request)."""
    cache = request.__dict__.setdefault("_widget_viewers", {})
    if site.id not in cache:
        cache[site.id] = find_viewer(site, request_token(site))
    return cache[site.id]


def end_session(site, token):
    """Sign this browser out (its row deleted, its cookie entry dropped)."""
    secret = _secret_of(site, token)
    if secret is not None:
        db.session.execute(delete(AccountSession).where(AccountSession.token_hash == _hash(secret)))
        db.session.commit()
    _forget_cookie(site)


def end_all_sessions(account):
    """Sign the account out of every browser: every token it was given stops working."""
    db.session.execute(delete(AccountSession).where(AccountSession.account_id == account.id))
    db.session.commit()
    _forget_cookie(account.site)


def _forget_cookie(site):
    tokens = session.get(SESSION_KEY) or {}
    if site.key in tokens:
        session[SESSION_KEY] = {key: value for key, value in tokens.items() if key != site.key}
