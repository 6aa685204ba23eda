"""The counts API behind count.js and the "Show comments (N)" button: many URLs, one request.

`GET /api/counts?site=KEY&url=A&url=B` (or the same fields as a form-encoded POST body,
for pages whose URLs would not fit in a request line) answers
`{"counts": {"A": 3, "B": 0}}`, keyed by the URLs exactly as given. URLs are normalized
like everywhere else, so every link to one article shares its count; only approved
comments count. Browsers on the site's allowed origins may read the answer (CORS).
"""

from flask import current_app, jsonify, request
from flask_babel import format_number
from flask_babel import gettext as _

from ..errors import TITLES
from ..i18n import count_text
from ..sharedcache import mark_shared, site_tag, thread_tag
from ..threads import count_comments, find_site
from ..urls import InvalidURL, normalize_url

COUNTS_CACHE_SECONDS = 30


def counts_api():
    site_key = request.values.get("site", "")
    site = find_site(site_key) if site_key else None
    if not site_key:
        return _refusal(None, 400, _("Name the site: add site=SITE_KEY to the request."))
    if site is None:
        return _refusal(None, 404, _("No site is registered with the key “%(key)s”.", key=site_key))
    given_urls = list(dict.fromkeys(request.values.getlist("url")))
    max_urls = current_app.config["COUNTS_MAX_URLS"]
    if not given_urls:
        return _refusal(site, 400, _("Give at least one article URL: url=https://…."))
    if len(given_urls) > max_urls:
        return _refusal(site, 400, too_many_urls(max_urls, len(given_urls)))
    normalized = {}
    for given_url in given_urls:
        try:
            normalized[given_url] = normalize_url(given_url)
        except InvalidURL as error:
            return _refusal(site, 400, _("“%(value)s” is not an article URL: %(reason)s",
                                         value=given_url[:200], reason=error))
    counts = count_comments(site, set(normalized.values()))
    response = jsonify(counts={given: counts[url] for given, url in normalized.items()})
    response.cache_control.public = True
    response.cache_control.max_age = COUNTS_CACHE_SECONDS
    if request.method == "GET":  # a shared cache keeps it until a purge of one of its threads
        mark_shared(response, [site_tag(site.key), *sorted(
            {thread_tag(site.key, url) for url in normalized.values()})], COUNTS_CACHE_SECONDS)
    return _allow_site_origins(response, site)


def too_many_urls(limit, given):
    """The refusal of a counts request for more article URLs than `limit` (also the API's)."""
    return count_text("At most %(num)s article URL per request; this one has %(given)s. "
                      "Split them into several requests.",
                      "At most %(num)s article URLs per request; this one has %(given)s. "
                      "Split them into several requests.", limit, given=format_number(given))


def _refusal(site, status, message):
    response = jsonify(error=str(TITLES[status]), message=message)
    response.status_code = status
    return _allow_site_origins(response, site)


def _allow_site_origins(response, site):
    """Let scripts on the site's own pages read the answer, and nobody else's."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if site is not None and origin in site.allowed_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
    return response
