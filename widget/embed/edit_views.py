"""Authors editing or deleting their own comment, with the token from when they posted
(or, signed in, as the account that wrote it)."""

from flask import abort, current_app, jsonify, redirect, render_template, request, session
from flask_babel import gettext as _

from .. import guard
from ..accounts.sessions import current_viewer
from ..extensions import db
from ..models import Comment
from ..editing import (
    NotAllowed,
    check_owner,
    may_change,
    delete_comment,
    edit_comment,
    editable_until,
    has_visible_replies,
)
from ..ratelimit import post_limit
from ..threads import CommentNode, PostRefused
from .views import ThreadRequest, _wants_json, bp, check_origin

EDIT_TOKEN_HEADER = "X-Edit-Token"


def _own_comment(target, comment_id, deleting=False):
    """The comment, if it belongs to this thread and the request shows it is the viewer's
    (and, unless deleting, that it is still in its edit window)."""
    comment = db.session.get(Comment, comment_id)
    if (comment is None or comment.thread.site_id != target.site.id
            or comment.thread.url != target.url):
        abort(404, description=_("This comment does not exist."))
    try:
        check_owner(comment, *_proofs(target, comment), deleting=deleting)
    except NotAllowed as refusal:
        abort(403, description=str(refusal))
    return comment


def _proofs(target, comment):
    """What the request shows of authorship: (edit token, vouched by the loader's list,
    the signed-in viewer's account id)."""
    token = (request.form.get("edit_token") or request.headers.get(EDIT_TOKEN_HEADER)
             or (session.get("edit_tokens") or {}).get(str(comment.id)))
    viewer = current_viewer(target.site)
    return token, comment.id in target.own_ids, viewer.account.id if viewer else None


@bp.get("/t/<site_key>/c/<int:comment_id>/edit")
def edit_page(site_key, comment_id):
    target = ThreadRequest(site_key)
    # Without scripts a signed-in author comes here to delete an old comment too.
    comment = _own_comment(target, comment_id, deleting=not _wants_json())
    if _wants_json():
        return jsonify(id=comment.id, text=comment.text,
                       editable_until=editable_until(comment).isoformat() + "Z")
    return _render_edit(target, comment, target.edit_form(data={"text": comment.text}))


@bp.post("/t/<site_key>/c/<int:comment_id>/edit")
@post_limit  # edits share the network's posting budget
def edit(site_key, comment_id):
    target = ThreadRequest(site_key)
    check_origin(target.site)
    comment = _own_comment(target, comment_id)
    form = target.edit_form()
    verdict = None
    if form.validate():
        try:
            context = guard.PostContext(ip=request.remote_addr, referrer=request.referrer,
                                        user_agent=request.user_agent.string)
            verdict = guard.review_edit(current_app.config, target.site, comment,
                                        form.text.data, target.url, context)
        except PostRefused as refusal:
            form.text.errors = [refusal.message]
    if verdict is None:
        if _wants_json():
            return jsonify(message=_("The comment was not changed."), errors=form.errors), 422
        return _render_edit(target, comment, form), 422
    edit_comment(target.site, comment, form.text.data, spam_reason=verdict.spam_reason)
    if _wants_json():
        html = render_template("embed/_posted.html", node=CommentNode(comment), target=target)
        # held as spam looks like any comment awaiting moderation (see guard.py)
        status = "pending" if verdict.held else comment.status.value
        return jsonify(id=comment.id, status=status, html=html)
    return redirect(target.page_url(comment.id), code=303)


@bp.post("/t/<site_key>/c/<int:comment_id>/delete")
def delete(site_key, comment_id):
    target = ThreadRequest(site_key)
    check_origin(target.site)
    comment = _own_comment(target, comment_id, deleting=True)
    form = target.action_form()
    if not form.validate():
        message = " ".join(str(message) for message in form.errors.get(
            "csrf_token", [_("The request could not be verified.")]))
        abort(422, description=message)
    delete_comment(comment)
    placeholder = has_visible_replies(comment)
    if _wants_json():
        return jsonify(id=comment.id, status=comment.status.value, placeholder=placeholder)
    return redirect(target.page_url(comment.id if placeholder else None), code=303)


def _render_edit(target, comment, form):
    editable = may_change(comment, *_proofs(target, comment))
    return render_template("embed/edit.html", target=target, comment=comment, form=form,
                           delete_form=target.action_form(), editable=editable,
                           editable_until=editable_until(comment))
