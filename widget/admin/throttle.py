"""Failed admin sign-ins, counted in the database per email and per IP hash.

The first few failures are free; each one after that makes the next attempt wait twice
as long as the last (1 s, 2 s, 4 s …); from ADMIN_LOGIN_MAX_ATTEMPTS on, attempts are
refused until ADMIN_LOGIN_WINDOW seconds have passed since the last failure. Attempts
refused this way are not checked at all, so they cost no password hashing.
"""

import hashlib
import hmac
import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import LoginFailure, utcnow


def _keys(email, ip_hash):
    digest = hmac.new(current_app.secret_key.encode(), b"login-email:" + email.encode(),
                      hashlib.sha256).hexdigest()
    keys = [f"email:{digest}"]
    if ip_hash:
        keys.append(f"ip:{ip_hash}")
    return keys


def seconds_to_wait(email, ip_hash, now=None):
    """How long this email or address must wait before its next attempt (0: go ahead),
    as seen at `now` (the current time unless given)."""
    config = current_app.config
    window = config["ADMIN_LOGIN_WINDOW"]
    now = now or utcnow()
    rows = db.session.execute(
        select(func.count(LoginFailure.id), func.max(LoginFailure.at))
        .where(LoginFailure.key.in_(_keys(email, ip_hash)),
               LoginFailure.at >= now - timedelta(seconds=window))
        .group_by(LoginFailure.key)
    ).all()
    wait = 0.0
    for failures, last_failure in rows:
        if failures >= config["ADMIN_LOGIN_MAX_ATTEMPTS"]:
            delay = window
        elif failures >= config["ADMIN_LOGIN_FREE_ATTEMPTS"]:
            delay = 2 ** (failures - config["ADMIN_LOGIN_FREE_ATTEMPTS"])
        else:
            continue
        wait = max(wait, (last_failure + timedelta(seconds=delay) - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def record_failure(email, ip_hash):
    now = utcnow()
    window = timedelta(seconds=current_app.config["ADMIN_LOGIN_WINDOW"])
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - window))
    db.session.add_all(LoginFailure(key=key, at=now) for key in _keys(email, ip_hash))
    db.session.commit()


def clear_failures(email):
    """A successful sign-in forgives the account's failures (not the address's)."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == _keys(email, None)[0]))
    db.session.commit()
