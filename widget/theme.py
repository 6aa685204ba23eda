"""Themes: the light/dark choice of a snippet and each site's own CSS, served from our origin.

A site's custom CSS is sanitized when it is set (css_sanitizer.py) and served as a
stylesheet of its own at /t/<key>/custom.css, so the thread page's CSP can stay
`style-src 'self'` and no CSS ever goes inline into the page.
"""

import hashlib

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _

from .css_sanitizer import sanitize_css
from .extensions import db
from .i18n import count_text
from .threads import find_site

bp = Blueprint("theme", __name__)

THEMES = ("light", "dark", "auto")


class CustomCSSTooLong(ValueError):
    """The custom CSS is longer than WIDGET_CUSTOM_CSS_MAX_LENGTH."""


def chosen_theme(value):
    """"light", "dark" or "auto" from the snippet's data-theme; anything else means auto."""
    return value if value in THEMES else "auto"


def custom_css_too_long(limit):
    """The refusal of a stylesheet over `limit` characters (dashboard form and API)."""
    return count_text("The custom CSS is longer than %(num)s character.",
                      "The custom CSS is longer than %(num)s characters.", limit)


def set_custom_css(site, text):
    """Sanitize and store a site's custom CSS; return what the sanitizer removed."""
    limit = current_app.config["CUSTOM_CSS_MAX_LENGTH"]
    if len(text or "") > limit:
        raise CustomCSSTooLong(custom_css_too_long(limit))
    sanitized = sanitize_css(text)
    site.custom_css = sanitized.css
    db.session.commit()
    return sanitized.removed


def custom_css_version(site):
    """A short hash of the CSS: the stylesheet's URL changes whenever the CSS does."""
    return hashlib.sha256(site.custom_css.encode()).hexdigest()[:12]


def custom_css_url(site):
    """Where the thread page links the site's CSS, or None when it has none."""
    if not site.custom_css:
        return None
    return url_for("theme.custom_css", site_key=site.key, v=custom_css_version(site))


@bp.get("/t/<site_key>/custom.css")
def custom_css(site_key):
    site = find_site(site_key)
    if site is None or not site.custom_css:
        abort(404, description=_("This site has no custom CSS."))
    response = current_app.response_class(site.custom_css, mimetype="text/css")
    # The link names the CSS's hash, so a cached copy is never stale under its URL.
    versioned = request.args.get("v") == custom_css_version(site)
    response.cache_control.public = True
    response.cache_control.max_age = 86400 if versioned else 60
    response.add_etag()
    return response.make_conditional(request)


def init_app(app):
    app.add_template_global(custom_css_url)
