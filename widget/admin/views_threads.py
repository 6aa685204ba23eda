"""Threads of the admin's sites: how many comments each has, and closing or reopening them."""

from flask import flash, render_template, request
from flask_babel import gettext as _

from ..extensions import db
from . import access
from .auth import current_admin
from .blueprint import bp, form_refused, id_arg, redirect_back
from .forms import ThreadStateForm
from .moderation import set_thread_closed
from .queries import comment_counts, threads_query

PER_PAGE = 50


@bp.get("/threads")
def threads():
    admin = current_admin()
    site_id = id_arg("site")
    site = access.site_or_404(admin, site_id) if site_id is not None else None
    page = db.paginate(threads_query(admin, site.id if site else None),
                       page=request.args.get("page", 1, type=int), per_page=PER_PAGE,
                       error_out=False)
    return render_template("admin/threads.html", page=page, site=site,
                           counts=comment_counts(page.items), here=request.full_path)


@bp.post("/threads/<int:thread_id>/state")
def thread_state(thread_id):
    admin = current_admin()
    thread = access.thread_or_404(admin, thread_id)
    form = ThreadStateForm()
    if not form.validate():
        form_refused(form)
    closed = form.state.data == "closed"
    if set_thread_closed(admin, thread, closed):
        title = thread.title or thread.url
        flash(_("Comments on “%(title)s” are now closed.", title=title) if closed
              else _("Comments on “%(title)s” are open again.", title=title))
    return redirect_back(form.next.data, "admin.threads")
