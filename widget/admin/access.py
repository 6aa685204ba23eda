"""What an admin may see: a superadmin every site, a moderator only their own.

Every admin query goes through `in_scope`, and every object named in a URL through one
of the `*_or_404` functions, so that another site's data answers 404 as if absent.
"""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select, true

from ..extensions import db
from ..models import Ban, Comment, Site, Thread


def site_ids(admin):
    return [site.id for site in admin.sites]


def in_scope(site_id_column, admin):
    """A WHERE clause limiting a query to the admin's sites."""
    if admin.is_superadmin:
        return true()
    return site_id_column.in_(site_ids(admin))


def visible_sites(admin):
    return db.session.scalars(
        select(Site).where(in_scope(Site.id, admin)).order_by(Site.name, Site.id)
    ).all()


def may_see_site(admin, site_id):
    return admin.is_superadmin or site_id in site_ids(admin)


def require_superadmin(admin, what):
    if not admin.is_superadmin:
        abort(403, description=_("Only a superadmin can %(what)s.", what=what))


def site_or_404(admin, site_id):
    site = db.session.get(Site, site_id)
    if site is None or not may_see_site(admin, site.id):
        abort(404, description=_("There is no such site among yours."))
    return site


def thread_or_404(admin, thread_id):
    thread = db.session.get(Thread, thread_id)
    if thread is None or not may_see_site(admin, thread.site_id):
        abort(404, description=_("There is no such thread on your sites."))
    return thread


def comment_or_404(admin, comment_id):
    comment = db.session.get(Comment, comment_id)
    if comment is None or not may_see_site(admin, comment.thread.site_id):
        abort(404, description=_("There is no such comment on your sites."))
    return comment


def ban_or_404(admin, ban_id):
    """A ban the admin may lift: one on their sites; a ban on all sites needs a superadmin."""
    ban = db.session.get(Ban, ban_id)
    if ban is None or (ban.site_id is not None and not may_see_site(admin, ban.site_id)):
        abort(404, description=_("There is no such ban on your sites."))
    if ban.site_id is None:
        require_superadmin(admin, _("lift a ban on all sites"))
    return ban
