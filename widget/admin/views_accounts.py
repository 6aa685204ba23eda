"""A commenter account's page (who they are, how they sign in, their comments), and
banning or unbanning the account."""

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from .auth import current_admin, safe_next
from .blueprint import bp, redirect_back
from .commenter_accounts import account_or_404, ban_account, comment_counts, unban_account
from .forms_accounts import AccountBanForm, AccountUnbanForm


@bp.get("/commenters/<int:account_id>")
def commenter(account_id):
    admin = current_admin()
    account = account_or_404(admin, account_id)
    return account_page(account)


def account_page(account, ban_form=None, status=200):
    next_url = safe_next(request.values.get("next"), "")
    return render_template(
        "admin/commenter.html", account=account, counts=comment_counts(account),
        ban_form=ban_form or AccountBanForm(formdata=None, next=next_url),
        unban_form=AccountUnbanForm(formdata=None, next=next_url),
    ), status


@bp.post("/commenters/<int:account_id>/ban")
def ban_commenter(account_id):
    admin = current_admin()
    account = account_or_404(admin, account_id)
    form = AccountBanForm()
    if not form.validate():
        return account_page(account, form, 422)
    if account.banned_at is not None:
        flash(_("“%(name)s” was already banned.", name=account.display_name))
    else:
        handled = ban_account(admin, account, form.pending.data, form.reason.data or "")
        message = _("Banned “%(name)s”: they are signed out everywhere and cannot sign in "
                    "or comment on %(site)s.", name=account.display_name,
                    site=account.site.name)
        if handled:
            message += " " + (ngettext("%(num)s comment awaiting moderation marked as spam.",
                                       "%(num)s comments awaiting moderation marked as spam.",
                                       len(handled))
                              if form.pending.data == "spam" else
                              ngettext("%(num)s comment awaiting moderation deleted.",
                                       "%(num)s comments awaiting moderation deleted.",
                                       len(handled)))
        flash(message)
    return redirect_back(form.next.data, "admin.commenter", account_id=account.id)


@bp.post("/commenters/<int:account_id>/unban")
def unban_commenter(account_id):
    admin = current_admin()
    account = account_or_404(admin, account_id)
    form = AccountUnbanForm()
    if form.validate() and unban_account(admin, account):
        flash(_("Lifted the ban on “%(name)s”: they can sign in and comment again.",
                name=account.display_name))
    else:
        flash(_("“%(name)s” is not banned.", name=account.display_name))
    return redirect_back(form.next.data, "admin.commenter", account_id=account.id)

