"""Helpers for the commenter-feature tests: the thread page URL and posting through it."""

import re
from urllib.parse import quote

from tests.conftest import ARTICLE, form_token

JSON = {"Accept": "application/json"}


def thread_path(site, url=ARTICLE, **params):
    extra = "".join(f"&{name}={quote(str(value), safe='')}" for name, value in params.items())
    return f"/t/{site.key}?url={quote(url, safe='')}{extra}"


def action_path(site, action, url=ARTICLE):
    return f"/t/{site.key}/{action}?url={quote(url, safe='')}"


def page_token(client, site, url=ARTICLE):
    """A form token for the thread; one per client and thread (tokens are reusable, as
    the inline script reuses the page's), fetched from the page once."""
    tokens = client.__dict__.setdefault("_form_tokens", {})
    key = (site.key, url)
    if key not in tokens:
        tokens[key] = form_token(client.get(thread_path(site, url)).get_data(as_text=True))
    return tokens[key]


def post_json(client, site, text="Hello", name="Ann", url=ARTICLE, **fields):
    """Post a comment as thread.js does; returns the response."""
    data = {"csrf_token": page_token(client, site, url), "name": name, "text": text, **fields}
    return client.post(thread_path(site, url), data=data, headers=JSON)


def post_form(client, site, text="Hello", name="Ann", url=ARTICLE, **fields):
    """Post a comment as a browser without scripts does; returns the 303 response."""
    data = {"csrf_token": page_token(client, site, url), "name": name, "text": text, **fields}
    return client.post(thread_path(site, url), data=data)


def like_form_token(page_html):
    match = re.search(r'id=lf .*?name="csrf_token" type="hidden" value="([^"]+)"',
                      page_html, re.S)
    return match.group(1)
