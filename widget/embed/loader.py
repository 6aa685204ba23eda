"""embed.js and count.js as served: the static files, with their words in every language.

These scripts run in the host page before any thread is loaded, so they cannot ask the
thread page for their words (the iframe's title, "Show comments", "3 comments"). The
catalogs stay the one source: every language's words are put into the script when it is
served, and the script picks one (data-lang, else the host page's language).
"""

import json
from pathlib import Path

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..assets import minify, precompressed
from ..i18n import available_languages, plural_forms

PLACEHOLDER = "/*LOADER_STRINGS*/{}"
SCRIPT_MAX_AGE = 300  # site owners paste a fixed URL: cache it briefly


def _loader_words():
    return {"comments": _("Comments"), "show": _("Show comments"),
            "showCount": _("Show comments (%(num)s)")}


def _count_words():
    return {"count": plural_forms("%(num)s comment", "%(num)s comments")}


SCRIPT_WORDS = {"embed.js": _loader_words, "count.js": _count_words}


def script_strings(filename):
    """{language: {name: words}} for one of the scripts, in every language we have.

    Keyed by the bare language ("zh" for our zh_Hans), as the scripts look a tag up by
    its first part; also a valid tag for Intl.PluralRules.
    """
    strings = {}
    for language in available_languages():
        with force_locale(language):
            strings[language.split("_")[0]] = SCRIPT_WORDS[filename]()
    return strings


def _script_source(filename):
    """The filled-in script, made once per version of the file."""
    path = Path(current_app.static_folder) / filename
    version = path.stat().st_mtime_ns
    cache = current_app.extensions.setdefault("widget_scripts", {})
    if cache.get(filename, (None,))[0] != version:
        # Served as UTF-8 (the Content-Type says so), so the words can stay unescaped.
        strings = json.dumps(script_strings(filename), sort_keys=True, ensure_ascii=False)
        source = path.read_text(encoding="utf-8").replace(PLACEHOLDER, strings, 1)
        cache[filename] = (version, minify(filename, source))
    return cache[filename][1]


def script_response(filename):
    """A loader script for any site's pages: public, cached briefly, readable cross-origin."""
    response = current_app.response_class(_script_source(filename), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = SCRIPT_MAX_AGE
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.add_etag()
    return precompressed(response.make_conditional(request))
