"""The dashboard's front page: per site, what awaits moderation; the latest comments."""

from flask import render_template

from .auth import current_admin
from .blueprint import bp
from .queries import latest_comments, site_stats


@bp.get("/")
def overview():
    admin = current_admin()
    return render_template("admin/overview.html", stats=site_stats(admin),
                           latest=latest_comments(admin))
