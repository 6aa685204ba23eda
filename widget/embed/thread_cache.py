"""How a thread page avoids work: ETag revalidation, and the whole page cached.

A browser that has the page revalidates it, and an unchanged thread is answered 304
after one light query (site settings, thread version), without loading or rendering a
single comment. A reader without a copy, who sees what every other reader sees, gets the page
from the cache (pagecache.py) with fresh form tokens put in its forms.

The tag covers everything the page is made from: the thread's version (bumped by every
change to its comments) and closed state, the site's settings, the request's options
(URL, sort, page, language, theme…), the viewer's own comments and edit rights (session),
the versions of the page's script and stylesheet, whether mail is set up (the form
offers reply notifications), and the minute, because the page shows relative times and
carries a form token that must not grow too old.
"""

import hashlib
import json
import re
import time

from flask import current_app, request, session
from flask_babel import get_locale

from .. import pagecache
from ..assets import static_version
from ..i18n import use_site_language
from ..mail.notifications import mail_enabled
from ..threads import page_state
from ..urls import InvalidURL, normalize_url
from .forms import fresh_form_token
from .listing import RELATIVE_TIME_STEP

FORM_TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*(")')
TOKEN_SLOT = "\x00form-token\x00"


def current_etag(site_key):
    """The ETag of the page this request asks for, from one light query (threads.page_state),
    or None when there is no such page (unknown site, unusable URL)."""
    try:
        url = normalize_url(request.args.get("url", ""))
    except InvalidURL:
        return None
    state = page_state(site_key, url)
    if state is None:
        return None
    use_site_language(state.default_language)
    parts = [
        tuple(state), request.full_path, str(get_locale()),
        json.dumps(dict(session), sort_keys=True, default=str),
        static_version("thread.js"), static_version("thread.css"), mail_enabled(),
        int(time.time() // RELATIVE_TIME_STEP),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def not_modified(etag):
    response = current_app.response_class(status=304)
    _set_validators(response, etag)
    return response


def with_validators(response, etag):
    _set_validators(response, etag)
    return response


def _set_validators(response, etag):
    response.set_etag(etag, weak=True)  # weak: the same thread, with a fresh form token
    response.cache_control.private = True
    response.cache_control.no_cache = True  # keep it, but ask each time (If-None-Match)
    response.vary.update(("Cookie", "Accept-Language"))


def cached_page(etag, binding):
    """The page's HTML from the cache, each form with a token of its own, or None."""
    stored = pagecache.get(pagecache.cache_key("page", etag))
    if stored is None:
        return None
    parts = stored.split(TOKEN_SLOT)
    fresh = [fresh_form_token(binding) for _ in parts[1:]]
    return "".join(part + token for part, token in zip(parts, [*fresh, ""]))


def store_page(etag, html):
    """Keep the page with its form tokens cut out: a token is never served twice."""
    pagecache.put(pagecache.cache_key("page", etag),
                  FORM_TOKEN.sub(lambda match: match[1] + TOKEN_SLOT + match[2], html))
