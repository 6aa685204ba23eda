"""Cache-Control for what a shared cache may keep (the same for every reader) and what it
must not (anything of one reader's own)."""

from flask import current_app

from .tags import tag_headers


def shared_cache_seconds(config=None):
    """How long a shared cache may keep a page (s-maxage); 0: never (the default unless
    purge URLs are set: without purges a cache would show a new comment that late)."""
    config = config or current_app.config
    seconds = config.get("SHARED_CACHE_SECONDS")
    if seconds is None:
        return config["SHARED_CACHE_DEFAULT_SECONDS"] if config.get("CACHE_PURGE_URLS") else 0
    return max(int(seconds), 0)


def mark_shared(response, tags, browser_seconds=0):
    """Kept by shared caches for s-maxage and purged by tag; browsers keep it for
    browser_seconds (0: they revalidate each time, with the ETag). Never with a cookie:
    a Set-Cookie makes it private."""
    seconds = shared_cache_seconds()
    if not seconds:
        return response
    if "Set-Cookie" in response.headers:
        return mark_private(response)
    response.cache_control.private = None
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = browser_seconds
    response.cache_control.s_maxage = seconds
    response.headers.update(tag_headers(tags))
    return response


def mark_private(response):
    """No shared cache may keep it (also the safety net for a response that sets a
    cookie: admin/session.py)."""
    if not response.cache_control.public and "xkey" not in response.headers:
        return response
    response.cache_control.public = None
    response.cache_control.s_maxage = None
    response.cache_control.private = True
    for name in ("xkey", "Surrogate-Key"):
        response.headers.pop(name, None)
    return response
