"""A demo article page embedding its own thread, served by `make run` (WIDGET_DEMO=true).

`?lang=de` and `?theme=dark` on the demo page go to the snippet as data-lang and
data-theme, to try them (and for `make screenshots`); the page links every language.
The page also plays a host site with users of its own: "Sign in" in the thread comes
back with `?member=NAME`, and the page then signs an SSO token for that member, as a site
owner's server would (README, "Commenter accounts").
"""

import time

import jwt
from flask import Blueprint, render_template, request, url_for

from .accounts.names import UnusableName, clean_display_name
from .accounts.sso import ensure_secret
from .i18n import available_languages, language_name, supported_language
from .theme import THEMES
from .threads import find_site

bp = Blueprint("demo", __name__)
SITE_KEY = "demo"
DEMO_MEMBER = "Demo Reader"


@bp.get("/")
def article():
    theme = request.args.get("theme")
    lang = supported_language(request.args.get("lang"))
    options = {"lang": lang, "theme": theme if theme in THEMES else None}
    # Every language we ship, each in its own name: the demo is where one tries them.
    languages = [(code, language_name(code)) for code in available_languages()]
    return render_template(
        "demo/article.html", site_key=SITE_KEY, **options, languages=languages,
        sso=_member_token(request.args.get("member")),
        sso_login=url_for("demo.article", member=DEMO_MEMBER, **options),
        sso_logout=url_for("demo.article", **options),
    )


def _member_token(member):
    """The host site's token for its signed-in member, or "" (nobody signed in)."""
    site = find_site(SITE_KEY)
    try:
        name = clean_display_name(member) if member and site else None
    except UnusableName:
        name = None
    if name is None:
        return ""
    now = int(time.time())
    claims = {"sub": f"demo:{name.casefold()}", "name": name, "iat": now, "exp": now + 3600}
    return jwt.encode(claims, ensure_secret(site), algorithm="HS256")
