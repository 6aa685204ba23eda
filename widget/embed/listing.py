"""One page of a thread's comments as HTML: top-level comments in pages, each with all its
replies under it, and "Load more" for the next page. (The whole thread page is cached by
thread_cache.py; this renders it when the cache cannot serve it.)"""

from dataclasses import dataclass, field

from flask import current_app, render_template, session
from markupsafe import Markup

from .. import editing
from ..accounts.sessions import current_viewer
from ..threads import thread_view, walk


@dataclass
class Listing:
    html: Markup
    count: int  # approved comments in the whole thread
    page: int
    pages: int
    reply_to: int | None = None  # the comment the inline form answers, when valid
    editable: list = field(default_factory=list)  # the viewer's comments still changeable
    # A signed-in viewer's comments past the edit window: they may still delete them.
    deletable: list = field(default_factory=list)


def thread_listing(target, thread, closed_notice, form, reply_to=None, form_errors=()):
    """The listing of the page the request asks for (by ?page=N, or the page holding
    ?comment=ID), with the viewer's own held comments and edit rights."""
    own_ids = {*session.get("own", []), *target.own_ids}
    edit_tokens = session.get("edit_tokens") or {}
    view = thread_view(thread, own_ids, target.sort)
    bounds = page_bounds(view.roots, current_app.config["THREAD_PAGE_SIZE"],
                         current_app.config["THREAD_PAGE_COMMENTS"])
    pages = len(bounds)
    page = _page_holding(view.roots, target.comment_id, bounds) or min(target.page, pages)
    target.page = page
    roots = view.roots[slice(*bounds[page - 1])]
    shown = {node.comment.id for node, opening in walk(roots)
             if opening and not node.is_placeholder}
    if closed_notice or reply_to not in shown:
        reply_to = None  # an unknown or hidden parent: offer the top-level form instead
    form.parent.data = str(reply_to) if reply_to else ""
    html = render_template("embed/_comment_list.html", roots=roots, target=target, form=form,
                           reply_to=reply_to, form_errors=form_errors, closed=closed_notice)
    viewer = current_viewer(target.site)
    account_id = viewer.account.id if viewer else None
    candidates = [comment for comment in view.comments  # only the viewer's can be editable
                  if str(comment.id) in edit_tokens or comment.id in target.own_ids
                  or (account_id is not None and comment.account_id == account_id)]
    proofs = {comment.id: (edit_tokens.get(str(comment.id)), comment.id in target.own_ids,
                           account_id) for comment in candidates}
    editable = [comment for comment in candidates
                if editing.may_change(comment, *proofs[comment.id])]
    deletable = [comment for comment in candidates if comment not in editable
                 and editing.may_change(comment, *proofs[comment.id], deleting=True)]
    return Listing(Markup(html), view.count, page, pages, reply_to, editable, deletable)


def page_bounds(roots, max_roots, max_comments):
    """[(start, stop)] of the top-level comments on each page: at most max_roots of them,
    and no more than max_comments comments with their replies, unless one conversation
    alone is longer (it is never split)."""
    bounds, start, comments = [], 0, 0
    for index, root in enumerate(roots):
        size = sum(1 for _, opening in walk([root]) if opening)
        if index > start and (index - start >= max_roots or comments + size > max_comments):
            bounds.append((start, index))
            start, comments = index, 0
        comments += size
    bounds.append((start, len(roots)))
    return bounds


def _page_holding(roots, comment_id, bounds):
    """The page whose top-level comments hold comment_id (at any depth), or None."""
    if comment_id is None:
        return None
    for page, (start, stop) in enumerate(bounds, 1):
        for node, opening in walk(roots[start:stop]):
            if opening and node.comment.id == comment_id:
                return page
    return None
