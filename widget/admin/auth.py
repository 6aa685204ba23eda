"""The signed-in admin: start and end the admin session, and find who is signed in."""

import hashlib
import hmac
import time
from urllib.parse import urlsplit

from flask import current_app, g, session

from ..extensions import db
from ..models import Admin


def start_session(admin):
    """A fresh session at sign-in: nothing from before survives (no session fixation).

    The session also carries a fingerprint of the password hash, so that changing the
    password signs out every other session.
    """
    session.clear()
    session["admin_id"] = admin.id
    session["admin_key"] = _password_fingerprint(admin)
    session["admin_since"] = int(time.time())
    g.admin = admin


def end_session():
    session.clear()
    g.admin = None


def current_admin():
    """The admin of this request's session, or None (also when it has expired)."""
    if "admin" not in g:
        g.admin = _session_admin()
    return g.admin


def _session_admin():
    admin_id = session.get("admin_id")
    if not isinstance(admin_id, int):
        return None
    age = time.time() - session.get("admin_since", 0)
    if age > current_app.config["ADMIN_SESSION_LIFETIME"]:
        return None
    admin = db.session.get(Admin, admin_id)
    if admin is None or not hmac.compare_digest(
        session.get("admin_key", ""), _password_fingerprint(admin)
    ):
        return None
    return admin


def _password_fingerprint(admin):
    return hmac.new(current_app.secret_key.encode(), admin.password_hash.encode(),
                    hashlib.sha256).hexdigest()[:32]


def safe_next(target, default):
    """Only a path inside the dashboard: a `next` pointing elsewhere is ignored."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or not (
        parts.path == "/admin" or parts.path.startswith("/admin/")
    ):
        return default
    return target
