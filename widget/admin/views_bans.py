"""Bans: list them, ban by email or IP (from the queue or by hand), lift them."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..extensions import db
from . import access
from .auth import current_admin
from .bans import add_ban, bans_query, describe, lift_ban
from .blueprint import bp, id_arg
from .commenter_accounts import banned_accounts_query
from .forms import BanForm

PER_PAGE = 50
BANNED_ACCOUNTS_SHOWN = 200
ALL_SITES = "all"


@bp.get("/bans")
def bans():
    admin = current_admin()
    page = db.paginate(bans_query(admin), page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    return render_template("admin/bans.html", page=page, banned_accounts=db.session.scalars(
        banned_accounts_query(admin).limit(BANNED_ACCOUNTS_SHOWN)).all())


@bp.route("/bans/new", methods=["GET", "POST"])
def new_ban():
    """A ban form, prefilled from a comment when the queue's "Ban…" link names one."""
    admin = current_admin()
    form = BanForm()
    form.site.choices = [SelectChoice(str(site.id), site.name)
                         for site in access.visible_sites(admin)]
    if admin.is_superadmin:
        form.site.choices.insert(0, SelectChoice(ALL_SITES, _("All sites")))
    comment_id = id_arg("comment")
    comment = access.comment_or_404(admin, comment_id) if comment_id is not None else None
    if request.method == "GET" and comment is not None:
        by_ip = request.args.get("by") == "ip" or not comment.email
        form.target.data = comment.ip_hash if by_ip else comment.email
        form.site.data = str(comment.thread.site_id)
    if form.validate_on_submit():
        site = None
        if form.site.data != ALL_SITES:
            site = access.site_or_404(admin, int(form.site.data))
        ban = add_ban(admin, site, form.kind, form.value, form.reason.data or "")
        flash(_("Banned %(who)s. Their new comments will be refused.", who=describe(ban)))
        return redirect(url_for("admin.bans"), code=303)
    return render_template("admin/ban_new.html", form=form, comment=comment), \
        422 if form.errors else 200


@bp.post("/bans/<int:ban_id>/delete")
def delete_ban(ban_id):
    admin = current_admin()
    ban = access.ban_or_404(admin, ban_id)
    description = describe(ban)
    lift_ban(admin, ban)
    flash(_("Lifted the ban on %(who)s.", who=description))
    return redirect(url_for("admin.bans"), code=303)
