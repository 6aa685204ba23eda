"""How a thread page avoids work: ETag revalidation, and the whole page cached.

A browser that has the page revalidates it, and an unchanged thread is answered 304
after one light query (site settings, thread version), without loading or rendering a
single comment. A reader without a copy, who sees what every other reader sees, gets the page
from the cache (pagecache.py) with fresh form tokens put in its forms.

The tag covers everything the page is made from: the thread's version (bumped by every
change to its comments) and closed state, the site's settings, the request's options
(URL, sort, page, language, theme…), the viewer's own comments and edit rights (session),
the versions of the page's script, stylesheet and templates, whether mail is set up
(the form offers reply notifications), and the time in steps of a few minutes, because
the page shows relative times and carries a form token that must not grow too old.
"""

import json
import re
import time
from dataclasses import dataclass

from flask import current_app, request, session
from flask_babel import get_locale

from .. import pagecache
from ..assets import code_version, static_version
from ..i18n import use_site_language
from ..mail.notifications import mail_enabled
from ..sharedcache import mark_shared, shared_cache_seconds, site_tag, thread_tag
from ..threads import page_state
from ..urls import InvalidURL, normalize_url
from .forms import fresh_form_token

# Seconds a cached page may show "3 minutes ago" unchanged: thread.js corrects relative
# times at once; without scripts they may lag this much.
RELATIVE_TIME_STEP = 300
FORM_TOKEN = re.compile(rb'(name="csrf_token" type="hidden" value=")[^"]*(")')
TOKEN_SLOT = b"\x00form-token\x00"


@dataclass
class PageKey:
    """What names a thread page exactly, known from one light query."""

    etag: str
    binding: str  # "site_key normalized_url": what the page's form tokens are made for
    state: object  # threads.page_state's row: the site's settings, the thread's version

    @property
    def cache_tags(self):
        """The shared cache's tags for this page: its thread's and its site's."""
        site_key, url = self.binding.split(" ", 1)
        return [thread_tag(site_key, url), site_tag(site_key)]


def page_key(site_key):
    """The page this request asks for, from one light query (threads.page_state), or None
    when there is no such page (unknown site, unusable URL)."""
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
        static_version("thread.js"), static_version("thread.css"), code_version(),
        mail_enabled(), shared_cache_seconds() > 0,
        int(time.time() // RELATIVE_TIME_STEP),
    ]
    return PageKey(pagecache.cache_key(*parts), f"{site_key} {url}", state)


def viewer_has_own():
    """Whether the page may hold something of this viewer's own (held comments, edit
    rights, an open reply form, a signed-in account): such a page is made for them, never cached."""
    return bool(request.args.get("own") or request.args.get("reply")
                or session.get("own") or session.get("edit_tokens") or session.get("accounts"))


def is_public():
    """Whether this reader's page may go to a shared cache: one is configured, and the
    request carries nothing of its own (no session values; viewer_has_own is checked
    first). Such a page's form tokens are marked shared (forms.fresh_form_token)."""
    return shared_cache_seconds() > 0 and not session


def not_modified(etag, tags=None):
    response = current_app.response_class(status=304)
    _set_validators(response, etag, tags)
    return response


def with_validators(response, etag, tags=None):
    _set_validators(response, etag, tags)
    return response


def _set_validators(response, etag, tags):
    """tags: the page may be kept by a shared cache (is_public) under these tags."""
    response.set_etag(etag, weak=True)  # weak: the same thread, with a fresh form token
    response.vary.update(("Cookie", "Accept-Language"))
    if tags:
        mark_shared(response, tags)  # browsers: max-age=0, so they ask each time too
        return
    response.cache_control.private = True
    response.cache_control.no_cache = True  # keep it, but ask each time (If-None-Match)


def cached_page(key, shared_tokens=False):
    """The page's HTML (bytes) from the cache, each form with a token of its own, or None.

    A hit needs nothing else: the key covers every input of the page, and the request
    that stored it passed every check (site, origins) with the same inputs."""
    parts = pagecache.get(key.etag)
    return None if parts is None else with_tokens(parts, key.binding, shared_tokens)


def with_tokens(parts, binding, shared=False):
    tokens = [fresh_form_token(binding, shared).encode() for _ in parts[1:]]
    return b"".join(part + token for part, token in zip(parts, [*tokens, b""]))


def store_page(key, body):
    """Keep the page with its form tokens cut out: a token is never served twice.
    Returns the parts (the page between its tokens)."""
    template = FORM_TOKEN.sub(lambda match: match[1] + TOKEN_SLOT + match[2], body)
    parts = template.split(TOKEN_SLOT)
    pagecache.put(key.etag, parts)
    return parts
