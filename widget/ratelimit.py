"""Rate limits: which requests are limited, by what key, and where the counts live.

Every limit is a setting (a Flask-Limiter string such as "10 per minute; 100 per hour"),
read on each request so tests and operators can change it without code:

- ``post_limit``: comment posts per client network, shared by every posting endpoint
  (WIDGET_RATELIMIT_POST);
- ``post_thread_limit``: comment posts per client network to one thread
  (WIDGET_RATELIMIT_POST_THREAD);
- ``counts_limit``: the comment-counts API (WIDGET_RATELIMIT_COUNTS);
- ``actions_limit``: likes and previews per client network, POST only: each one costs
  a query or a Markdown rendering (WIDGET_RATELIMIT_ACTIONS);
- ``login_limit``: admin sign-in attempts, POST only (WIDGET_RATELIMIT_LOGIN);
- ``email_sign_in_limit``: commenters asking for and entering emailed sign-in codes,
  shared by both endpoints, POST only (WIDGET_RATELIMIT_EMAIL_SIGN_IN).

Use them as decorators under the route decorator, e.g.::

    @bp.post("/admin/login")
    @login_limit
    def login(): ...
"""

import hashlib
import math
import time

from flask import current_app, request
from flask_babel import gettext as _

from .clients import network_key
from .extensions import limiter
from .urls import InvalidURL, normalize_url



# Flask-Limiter calls these for each refusal, so the message is in the request's language.
def too_many_posts():
    return _("You are posting too often.")


def too_many_requests():
    return _("Too many requests from your network.")


def too_many_sign_ins():
    return _("Too many sign-in attempts.")


def _setting(name):
    return lambda: current_app.config[name]


def thread_network_key():
    """Key for one client network posting to one thread (site key + article URL)."""
    raw_url = request.args.get("url", "")
    try:
        article = normalize_url(raw_url)
    except InvalidURL:
        article = raw_url
    site_key = (request.view_args or {}).get("site_key", "")
    thread_hash = hashlib.sha256(f"{site_key} {article}".encode()).hexdigest()[:16]
    return f"{network_key()}:{thread_hash}"


post_limit = limiter.shared_limit(
    _setting("RATELIMIT_POST"), scope="post", methods=["POST"], error_message=too_many_posts
)
post_thread_limit = limiter.limit(
    _setting("RATELIMIT_POST_THREAD"), key_func=thread_network_key, methods=["POST"],
    error_message=too_many_posts,
)
counts_limit = limiter.limit(_setting("RATELIMIT_COUNTS"), error_message=too_many_requests)
actions_limit = limiter.shared_limit(
    _setting("RATELIMIT_ACTIONS"), scope="actions", methods=["POST"],
    error_message=too_many_requests,
)
login_limit = limiter.limit(
    _setting("RATELIMIT_LOGIN"), methods=["POST"], error_message=too_many_sign_ins
)
email_sign_in_limit = limiter.shared_limit(
    _setting("RATELIMIT_EMAIL_SIGN_IN"), scope="email-sign-in", methods=["POST"],
    error_message=too_many_sign_ins,
)


def retry_after_seconds():
    """Seconds until the limit the current request broke lets it through again."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, math.ceil(current.reset_at - time.time()))


def init_app(app):
    """Bind the limiter to this app, counting in Redis when WIDGET_REDIS_URL is set."""
    config = app.config
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    if config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        # Redis-py waits forever by default: a hanging Redis would hang every request.
        timeout = config["RATELIMIT_REDIS_TIMEOUT"]
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
            "socket_timeout": timeout, "socket_connect_timeout": timeout})
    _forget_previous_app()
    limiter.init_app(app)


def _forget_previous_app():
    """Flask-Limiter keeps some settings from the first app it was bound to (it expects
    one app per process); reset them so each app, as the tests make many, reads its own
    configuration."""
    for attribute in ("_swallow_errors", "_headers_enabled", "_strategy", "_retry_after",
                      "_fail_on_first_breach", "_in_memory_fallback_enabled"):
        setattr(limiter, attribute, None)
    limiter._key_prefix = ""
    limiter._storage_dead = False
