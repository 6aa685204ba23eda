"""Rendered thread pages, cached by thread version (Flask-Caching: in each process, or in
Redis when REDIS_URL is set, shared by every instance).

A cache entry is never stale on any instance: its key holds the thread's version, which
every write bumps in the same transaction and every request reads from the database.
A cache that fails (Redis down or hanging) is a miss, never an error page; after a failure
the Redis cache is skipped (a circuit breaker, see redisbreaker.py) and pages are cached
in the process until Redis answers again.
"""

import hashlib
import logging
from urllib.parse import urlsplit

from flask import current_app
from flask_caching import Cache
from flask_caching.backends import SimpleCache

from .redisbreaker import Breaker

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
    breaker = None
    if redis_url and not app.config.get("PAGE_CACHE_TYPE"):
        config.update(
            CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url,
            CACHE_REDIS_DB=int(urlsplit(redis_url).path.strip("/") or 0),
            CACHE_OPTIONS={"socket_timeout": REDIS_TIMEOUT_SECONDS,
                           "socket_connect_timeout": REDIS_TIMEOUT_SECONDS},
        )
        breaker = Breaker("page cache", redis_url, app.config["REDIS_BREAKER_SECONDS"],
                          app.config["REDIS_BREAKER_MAX_SECONDS"])
    cache.init_app(app, config=config)
    app.extensions["widget.pagecache"] = {
        "breaker": breaker,
        "fallback": SimpleCache(threshold=config["CACHE_THRESHOLD"],
                                default_timeout=config["CACHE_DEFAULT_TIMEOUT"]),
    }


def breaker():
    return current_app.extensions["widget.pagecache"]["breaker"]


def _fallback():
    return current_app.extensions["widget.pagecache"]["fallback"]


def cache_key(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:40]


def get(key):
    redis_breaker = breaker()
    if redis_breaker is not None and not redis_breaker.allows():
        return _fallback().get(key)
    try:
        return cache.get(key)
    except Exception as error:  # the cache is an optimisation: any failure is a miss
        _failed(error)
        return None


def put(key, value):
    redis_breaker = breaker()
    if redis_breaker is not None and not redis_breaker.allows():
        _fallback().set(key, value)
        return
    try:
        cache.set(key, value)
    except Exception as error:
        _failed(error)
        _fallback().set(key, value)


def _failed(error):
    log.warning("page cache unavailable (%s: %s); rendering without it",
                type(error).__name__, error)
    if breaker() is not None:
        breaker().failed(error)
