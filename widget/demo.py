"""A demo article page embedding its own thread, served by `make run` (WIDGET_DEMO=true)."""

from flask import Blueprint, render_template

bp = Blueprint("demo", __name__)


@bp.get("/")
def article():
    return render_template("demo/article.html", site_key="demo")
