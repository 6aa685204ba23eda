"""A demo article page embedding its own thread, served by `make run` (WIDGET_DEMO=true).

`?lang=de` and `?theme=dark` on the demo page go to the snippet as data-lang and
data-theme, to try them (and for `make screenshots`).
"""

from flask import Blueprint, render_template, request

from .i18n import supported_language
from .theme import THEMES

bp = Blueprint("demo", __name__)


@bp.get("/")
def article():
    theme = request.args.get("theme")
    return render_template("demo/article.html", site_key="demo",
                           lang=supported_language(request.args.get("lang")),
                           theme=theme if theme in THEMES else None)
