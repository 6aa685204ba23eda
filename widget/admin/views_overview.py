"""The dashboard's front page: per site, what awaits moderation; the latest comments."""

from flask import render_template

from .auth import current_admin
from .blueprint import bp
from .commenter_accounts import accounts_of
from .queries import latest_comments, site_stats


@bp.get("/")
def overview():
    admin = current_admin()
    latest = latest_comments(admin)
    return render_template("admin/overview.html", stats=site_stats(admin), latest=latest,
                           accounts=accounts_of(latest))
