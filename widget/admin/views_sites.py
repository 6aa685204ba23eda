"""Sites: list, create (superadmins), edit settings, and the embed snippet to paste."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..models import Commenters, ModerationMode, Site
from ..sites import embed_snippet
from ..threads import bump_site_versions
from . import access, audit
from .auth import current_admin
from .blueprint import bp
from .forms import ImportForm, SiteForm
from .site_sso import sso_panel

SETTINGS = ("name", "allowed_origins", "commenters", "moderation", "trusted_after",
            "comments_open", "likes_enabled", "max_comment_length", "default_language",
            "custom_css", "login_providers")


@bp.get("/sites")
def sites():
    admin = current_admin()
    return render_template("admin/sites.html", sites=access.visible_sites(admin))


@bp.route("/sites/new", methods=["GET", "POST"])
def new_site():
    admin = current_admin()
    access.require_superadmin(admin, _("create sites"))
    form = SiteForm(data={"comments_open": True, "likes_enabled": True,
                          "commenters": Commenters.ANYONE.value, "trusted_after": 3,
                          "moderation": ModerationMode.NONE.value})
    if form.validate_on_submit():
        site = Site()
        _apply(form, site)
        db.session.add(site)
        db.session.flush()
        audit.record(admin, "create_site", site.id, details=site.name)
        db.session.commit()
        flash(_("Site “%(name)s” created. Paste its snippet into your article template.",
                name=site.name))
        return redirect(url_for("admin.site", site_id=site.id), code=303)
    return _form_page(form, None)


@bp.route("/sites/<int:site_id>", methods=["GET", "POST"])
def site(site_id):
    admin = current_admin()
    site = access.site_or_404(admin, site_id)
    form = settings_form(site)
    if form.validate_on_submit():
        before = {name: getattr(site, name) for name in SETTINGS}
        _apply(form, site)
        changes = [_change(name, before[name], getattr(site, name))
                   for name in SETTINGS if before[name] != getattr(site, name)]
        if changes:
            audit.record(admin, "edit_site", site.id, message="site_changes",
                         params={"changes": changes})
            # Every thread page of the site may look different now (form shown or not).
            bump_site_versions(site.id)
        db.session.commit()
        flash(_("Settings saved.") if changes else _("Nothing changed."))
        return redirect(url_for("admin.site", site_id=site.id), code=303)
    return site_page(site, form)


def settings_form(site, posted=True):
    """The site's settings form: what was posted to it, or (`posted=False`) what is stored."""
    kwargs = {} if posted else {"formdata": None}
    return SiteForm(**kwargs, data={
        "name": site.name,
        "origins": "\n".join(site.allowed_origins),
        "commenters": site.commenters.value,
        "moderation": site.moderation.value,
        "trusted_after": site.trusted_after,
        "comments_open": site.comments_open,
        "likes_enabled": site.likes_enabled,
        "max_comment_length": site.max_comment_length,
        "default_language": site.default_language or "",
        "custom_css": site.custom_css,
        "login_providers": list(site.login_providers or []),
    })


def site_page(site, form=None, import_form=None, imported=None, status=None):
    """A site's page: snippet, settings, and for superadmins import and export.

    Each form posts to its own address; the one not posted shows its stored or default
    values (formdata=None), not the other's fields.
    """
    form = form or settings_form(site, posted=False)
    if import_form is None and current_admin().is_superadmin:
        import_form = ImportForm(formdata=None, site=site)
    if status is None:
        status = 422 if form.errors or (import_form and import_form.errors) else 200
    return render_template("admin/site.html", form=form, site=site, snippet=embed_snippet(site),
                           import_form=import_form, imported=imported,
                           sso=sso_panel(site, current_admin())), status


def _apply(form, site):
    site.name = form.name.data.strip()
    site.allowed_origins = form.parsed_origins
    site.commenters = Commenters(form.commenters.data)
    site.moderation = ModerationMode(form.moderation.data)
    if form.trusted_after.data is not None:  # left empty: the stored number stays
        site.trusted_after = form.trusted_after.data
    site.comments_open = form.comments_open.data
    site.likes_enabled = form.likes_enabled.data
    site.max_comment_length = form.max_comment_length.data
    site.default_language = form.default_language.data or None
    site.custom_css = form.sanitized_css.css
    # Only configured providers can be ticked: one since removed from the setting goes.
    site.login_providers = list(form.login_providers.data or [])
    if form.sanitized_css.removed:
        flash(_("Removed from the custom CSS: %(parts)s.",
                parts="; ".join(form.sanitized_css.removed)), "error")


def _change(name, before, after):
    """[setting, before, after] as the audit log keeps it (audit_details: "site_changes")."""
    if name == "custom_css":  # the whole stylesheet twice would swamp the audit log: sizes
        return [name, len(before or ""), len(after or "")]
    return [name, str(before), str(after)]


def _form_page(form, site):
    """The new-site form (a site's own page is site_page)."""
    status = 422 if form.errors else 200
    return render_template("admin/site.html", form=form, site=site, snippet=None), status
