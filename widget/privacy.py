"""Personal data kept as little as possible: IPs only as hashes under rotating salts.

Every WIDGET_IP_SALT_DAYS days a new random salt is used, kept in the ip_salt table and
made ahead of time (at start-up and by `flask privacy rotate`, run by a scheduler);
the salt before it is kept one more period (so a ban made just before the change still
matches), older ones are deleted. Once a salt is gone, nobody (not even whoever holds
the database and the secret key) can tell which address made a hash under it.
"""

import hashlib
import hmac
import logging
import secrets
import time

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from .dbretry import on_own_connection
from .extensions import db
from .models import IpSalt, utcnow

log = logging.getLogger(__name__)

SECONDS_PER_DAY = 86_400
SALTS_KEPT = 2  # the current period's and the one before
KEPT = "kept"  # the salt cache's key (with a period) for kept_salts


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
    return [_hash(ip, salt) for salt in kept_salts(current_period(now))]


def kept_salts(period):
    """The salts a hash made in this period or the one before may be under, newest first.

    Cached per app beside salt_for's, once this period's own salt exists: rotation only
    ever deletes older ones, so the list holds for the whole period, and a post (which
    checks bans with these) asks the database nothing for them."""
    current = salt_for(period)  # warns when the current one is missing
    cache = current_app.extensions["widget.ip_salts"]
    if (KEPT, period) in cache:
        return cache[KEPT, period]
    salts = db.session.scalars(
        select(IpSalt.salt).where(IpSalt.period <= period, IpSalt.period > period - SALTS_KEPT)
        .order_by(IpSalt.period.desc())
    ).all() or [current]
    if cache.get(period) == current:
        cache[KEPT, period] = salts
    return salts


def _hash(ip, salt):
    key = current_app.secret_key.encode() + salt.encode()
    return hmac.new(key, b"ip:" + ip.encode(), hashlib.sha256).hexdigest()


def salt_for(period):
    """The salt of a period, read from the database; never written by the request.

    Salts are made ahead of time (`rotate_salts`: at start-up and by `flask privacy
    rotate` from a scheduler). When the period's salt is missing anyway, the newest
    earlier one is used and a warning logged. Cached per app: a period's salt never
    changes once made, so each process asks the database once per period.
    """
    cache = current_app.extensions.setdefault("widget.ip_salts", {})
    if period not in cache:
        salt, found_period = _load_salt(period)
        if found_period != period:
            return salt  # not cached: the period's own salt may be made any moment
        cache.clear()
        cache[period] = salt
    return cache[period]


def _load_salt(period):
    with db.session.no_autoflush:  # a read: the caller's pending changes stay pending
        row = db.session.execute(
            select(IpSalt.salt, IpSalt.period).where(IpSalt.period <= period)
            .order_by(IpSalt.period.desc()).limit(1)
        ).first()
    if row is None:
        # Nothing at all (start-up never made one): the only case a request makes it,
        # on a connection of its own so the caller's transaction is left alone.
        log.warning("No IP salt at all: making one now; run `flask privacy rotate` at "
                    "start-up and from a scheduler")
        if db.engine.dialect.name == "sqlite" and db.session().in_transaction():
            # SQLite: a second connection would wait for the caller's write lock (an
            # import holds one): in the caller's transaction then, committed or rolled
            # back with it, never by us; not cached, as it may be rolled back.
            salt = secrets.token_hex(32)
            try:
                with db.session.begin_nested():
                    db.session.add(IpSalt(period=period, salt=salt))
            except IntegrityError:  # a concurrent request made it first: theirs it is
                with db.session.no_autoflush:
                    made = db.session.scalar(select(IpSalt.salt).where(IpSalt.period == period))
                return made or salt, None
            return salt, None
        _make_salts([period])
        with db.session.no_autoflush:
            return db.session.scalar(select(IpSalt.salt).where(IpSalt.period == period)), period
    if row.period != period:
        log.warning("No IP salt for period %s yet: using period %s's; run `flask privacy "
                    "rotate` from a scheduler", period, row.period)
    return row.salt, row.period


def rotate_salts(now=None):
    """Make the current and the next period's salts (if missing) and delete the ones no
    longer kept. For start-up and the scheduler; requests only read."""
    period = current_period(now)
    made = _make_salts([period, period + 1])
    on_own_connection(lambda connection: connection.execute(
        delete(IpSalt).where(IpSalt.period <= period - SALTS_KEPT)), begin=True)
    current_app.extensions.pop("widget.ip_salts", None)
    return made


def _make_salts(periods):
    """Insert the salts that are missing, each in a transaction of its own (a concurrent
    maker may win: then theirs is kept). Returns the periods made."""
    made = []
    for period in periods:
        try:
            with db.engine.begin() as connection:
                exists = connection.scalar(select(IpSalt.period).where(IpSalt.period == period))
                if exists is None:
                    connection.execute(IpSalt.__table__.insert().values(
                        period=period, salt=secrets.token_hex(32), created_at=utcnow()))
                    made.append(period)
        except IntegrityError:
            pass
    return made


def prepare_salts(app):
    """At start-up: make this period's and the next one's salt, so no request has to.
    A database not there yet (before `db upgrade`) is only worth a warning."""
    with app.app_context():
        try:
            rotate_salts()
        except DBAPIError as error:
            log.warning("Could not prepare the IP salts at start-up (%s); run `flask "
                        "privacy rotate` once the database is ready",
                        str(error.orig or error).splitlines()[0])
