"""Personal data kept as little as possible: IPs only as hashes under rotating salts.

Every WIDGET_IP_SALT_DAYS days a new random salt is made and kept in the ip_salt table;
the salt before it is kept one more period (so a ban made just before the change still
matches), older ones are deleted. Once a salt is gone, nobody (not even whoever holds
the database and the secret key) can tell which address made a hash under it.
"""

import hashlib
import hmac
import secrets
import time

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .models import IpSalt

SECONDS_PER_DAY = 86_400
SALTS_KEPT = 2  # the current period's and the one before


def current_period(now=None):
    """Number of the salt period containing `now` (Unix seconds)."""
    days = int((time.time() if now is None else now) // SECONDS_PER_DAY)
    return days // max(1, int(current_app.config["IP_SALT_DAYS"]))


def hash_ip(ip, now=None):
    """A salted hash of the client's IP: lets admins ban and spot floods for a while,
    and becomes unlinkable to the address once its salt is deleted."""
    if not ip:
        return None
    return _hash(ip, salt_for(current_period(now)))


def ip_hashes(ip, now=None):
    """The hashes this IP has under every salt still kept, newest first (for matching
    bans and floods across a salt change)."""
    if not ip:
        return []
    period = current_period(now)
    salt_for(period)  # make sure the current one exists
    salts = db.session.scalars(
        select(IpSalt.salt).where(IpSalt.period <= period).order_by(IpSalt.period.desc())
    ).all()
    return [_hash(ip, salt) for salt in salts]


def _hash(ip, salt):
    key = current_app.secret_key.encode() + salt.encode()
    return hmac.new(key, b"ip:" + ip.encode(), hashlib.sha256).hexdigest()


def salt_for(period):
    """The salt of a period, made (and older salts deleted) on first use.

    Cached per app: a period's salt never changes once made, so each process asks the
    database once per period.
    """
    cache = current_app.extensions.setdefault("widget.ip_salts", {})
    if period not in cache:
        cache.clear()
        cache[period] = _load_or_make_salt(period)
    return cache[period]


def _load_or_make_salt(period):
    existing = db.session.get(IpSalt, period)
    if existing is not None:
        return existing.salt
    try:
        db.session.add(IpSalt(period=period, salt=secrets.token_hex(32)))
        db.session.execute(delete(IpSalt).where(IpSalt.period <= period - SALTS_KEPT))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # a concurrent request made it first: use theirs
    return db.session.scalar(select(IpSalt.salt).where(IpSalt.period == period))
