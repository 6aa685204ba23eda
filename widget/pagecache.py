"""Rendered thread pages, cached by thread version (Flask-Caching: in each process, or in
Redis when REDIS_URL is set, shared by every instance).

A cache entry is never stale on any instance: its key holds the thread's version, which
every write bumps in the same transaction and every request reads from the database.
A cache that fails (Redis down) is a miss, never an error page.
"""

import hashlib
import logging
from urllib.parse import urlsplit

from flask_caching import Cache

log = logging.getLogger(__name__)
cache = Cache()
REDIS_TIMEOUT_SECONDS = 0.5


def init_app(app):
    config = {
        "CACHE_TYPE": app.config.get("PAGE_CACHE_TYPE") or "SimpleCache",
        "CACHE_DEFAULT_TIMEOUT": app.config.get("PAGE_CACHE_SECONDS", 600),
        "CACHE_THRESHOLD": app.config.get("PAGE_CACHE_ENTRIES", 500),
        "CACHE_KEY_PREFIX": app.config.get("RATELIMIT_KEY_PREFIX", "widget") + ":page:",
    }
    redis_url = app.config.get("REDIS_URL")
    if redis_url and not app.config.get("PAGE_CACHE_TYPE"):
        config.update(
            CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url,
            CACHE_REDIS_DB=int(urlsplit(redis_url).path.strip("/") or 0),
            CACHE_OPTIONS={"socket_timeout": REDIS_TIMEOUT_SECONDS,
                           "socket_connect_timeout": REDIS_TIMEOUT_SECONDS},
        )
    cache.init_app(app, config=config)


def cache_key(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def get(key):
    try:
        return cache.get(key)
    except Exception as error:  # the cache is an optimisation: any failure is a miss
        _log_failure(error)
        return None


def put(key, value):
    try:
        cache.set(key, value)
    except Exception as error:
        _log_failure(error)


def _log_failure(error):
    log.warning("page cache unavailable (%s: %s); rendering without it",
                type(error).__name__, error)
