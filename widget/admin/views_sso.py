"""A site's SSO secret: made or rotated from the site page (superadmins only)."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ..i18n import count_text
from . import access
from .auth import current_admin
from .blueprint import bp
from .forms_accounts import SsoSecretForm
from .site_sso import grace_hours, make_or_rotate


@bp.post("/sites/<int:site_id>/sso-secret")
def rotate_sso_secret(site_id):
    admin = current_admin()
    site = access.site_or_404(admin, site_id)
    access.require_superadmin(admin, _("see or change a site's SSO secret"))
    form = SsoSecretForm()
    if not form.validate():
        flash(" ".join(str(m) for errors in form.errors.values() for m in errors)
              or _("The form could not be read."), "error")
    elif site.sso_secret is not None and not form.confirm.data:
        flash(_("Tick the box to confirm: the current secret will stop working."), "error")
    elif make_or_rotate(admin, site):
        flash(count_text("New SSO secret made. Tokens signed with the previous one keep "
                         "working for %(num)s hour: update your site's server before then.",
                         "New SSO secret made. Tokens signed with the previous one keep "
                         "working for %(num)s hours: update your site's server before then.",
                         grace_hours()))
    else:
        flash(_("SSO secret made. Keep it on your site's server, never in a page."))
    return redirect(url_for("admin.site", site_id=site.id, _anchor="sso"), code=303)
