"""The audit log page: every moderation action, filterable by admin and site."""

from flask import render_template, request

from ..extensions import db
from . import access
from .audit import ACTION_LABELS, acting_admins, entries_query
from .audit_details import shown_details
from .auth import current_admin
from .blueprint import bp, id_arg

PER_PAGE = 50


@bp.get("/audit")
def audit_log():
    admin = current_admin()
    site_id = id_arg("site")
    if site_id is not None:
        access.site_or_404(admin, site_id)
    admin_id = id_arg("admin")
    page = db.paginate(entries_query(admin, admin_id=admin_id, site_id=site_id),
                       page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                       error_out=False)
    return render_template(
        "admin/audit.html", page=page, labels=ACTION_LABELS, sites=access.visible_sites(admin),
        admins=acting_admins(admin), site_id=site_id, admin_id=admin_id,
        shown_details=shown_details,
    )
