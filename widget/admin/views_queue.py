"""The moderation queue: filter, page through, and act on comments one by one or in bulk."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import SelectChoice

from ..extensions import db
from ..i18n import status_name
from ..sites import comment_max_length
from . import access
from .auth import current_admin, safe_next
from .blueprint import bp, form_refused, id_arg, redirect_back
from .commenter_accounts import account_or_404, accounts_of
from .forms import ActionForm, BulkForm, CommentEditForm, QueueFilterForm
from .moderation import moderate
from .moderation import edit_text as edit_comment_text
from .queries import CommentFilter, answered_id, comments_by_ids, comments_query, parents_of

PER_PAGE = 25
# What each action did, said of one comment and of several (whole sentences translate).
DONE_ONE = {
    "approve": _l("Comment #%(id)s by %(author)s approved."),
    "spam": _l("Comment #%(id)s by %(author)s marked as spam."),
    "delete": _l("Comment #%(id)s by %(author)s deleted."),
    "restore": _l("Comment #%(id)s by %(author)s restored."),
}


def done_many(action, count):
    if action == "approve":
        return ngettext("%(num)s comment approved.", "%(num)s comments approved.", count)
    if action == "spam":
        return ngettext("%(num)s comment marked as spam.", "%(num)s comments marked as spam.",
                        count)
    if action == "delete":
        return ngettext("%(num)s comment deleted.", "%(num)s comments deleted.", count)
    return ngettext("%(num)s comment restored.", "%(num)s comments restored.", count)


@bp.get("/comments")
def queue():
    admin = current_admin()
    filters_form = QueueFilterForm(formdata=request.args)
    sites = access.visible_sites(admin)
    filters_form.site.choices = [SelectChoice("", _("All your sites"))] + [
        SelectChoice(str(site.id), site.name) for site in sites]
    if not filters_form.validate():
        abort(400, description=" ".join(
            str(message) for errors in filters_form.errors.values() for message in errors))
    filters = CommentFilter(status=filters_form.status_value, text=filters_form.q.data or "",
                            site_id=id_arg("site"), thread_id=id_arg("thread"),
                            account_id=id_arg("account"))
    if filters.site_id is not None:
        access.site_or_404(admin, filters.site_id)
    thread = None
    if filters.thread_id is not None:
        thread = access.thread_or_404(admin, filters.thread_id)
    account = None
    if filters.account_id is not None:
        account = account_or_404(admin, filters.account_id)
    page = db.paginate(comments_query(admin, filters), page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    return render_template(
        "admin/queue.html", page=page, parents=parents_of(page.items), answered_id=answered_id,
        filters=filters_form,
        thread=thread, account=account, accounts=accounts_of(page.items),
        bulk_form=BulkForm(formdata=None, next=request.full_path),
        here=request.full_path, multi_site=len(sites) > 1,
    )


@bp.post("/comments/<int:comment_id>/moderate")
def moderate_comment(comment_id):
    admin = current_admin()
    comment = access.comment_or_404(admin, comment_id)
    form = ActionForm()
    if not form.validate():
        form_refused(form)
    changed = moderate(admin, [comment], form.action.data)
    if changed:
        flash(str(DONE_ONE[form.action.data]) % {"id": comment.id, "author": comment.author})
    else:
        flash(_("Comment #%(id)s was already %(status)s.", id=comment.id,
                status=status_name(comment.status)))
    return redirect_back(form.next.data, "admin.queue")


@bp.post("/comments/bulk")
def bulk_moderate():
    admin = current_admin()
    form = BulkForm()
    if not form.validate():
        flash(" ".join(str(m) for errors in form.errors.values() for m in errors), "error")
        return redirect_back(form.next.data, "admin.queue")
    comments = comments_by_ids(admin, form.ids.data)
    if len(comments) != len(set(form.ids.data)):
        abort(404, description=_("Some of the selected comments are not on your sites."))
    changed = moderate(admin, comments, form.action.data)
    flash(done_many(form.action.data, len(changed)))
    return redirect_back(form.next.data, "admin.queue")


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(comment_id):
    admin = current_admin()
    comment = access.comment_or_404(admin, comment_id)
    form = CommentEditForm(obj=comment, max_length=comment_max_length(comment.thread.site))
    next_url = safe_next(request.values.get("next"), url_for("admin.queue"))
    if request.method == "POST":
        if form.validate():
            if edit_comment_text(admin, comment, form.text.data):
                flash(_("Comment #%(id)s saved.", id=comment.id))
            return redirect(next_url, code=303)
        status = 422
    else:
        status = 200
    return render_template("admin/comment_edit.html", comment=comment, form=form,
                           next_url=next_url), status
