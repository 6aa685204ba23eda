"""Liking a comment and taking the like back: one small POST, JSON or a redirect."""

from flask import abort, jsonify, redirect, request
from flask_babel import gettext as _

from .. import likes
from ..extensions import db
from ..models import Comment
from ..privacy import hash_ip
from ..ratelimit import actions_limit
from .views import ThreadRequest, _wants_json, bp, check_origin


@bp.post("/t/<site_key>/like")
@actions_limit
def like(site_key):
    target = ThreadRequest(site_key)
    check_origin(target.site)
    form = target.like_form()
    if not form.validate():
        if _wants_json():
            return jsonify(message=_("The like was not counted."), errors=form.errors), 422
        abort(422, description=" ".join(str(message) for messages in form.errors.values()
                                        for message in messages))
    comment = db.session.get(Comment, form.comment.data)
    if (comment is None or comment.thread.site_id != target.site.id
            or comment.thread.url != target.url):
        abort(404, description=_("This comment does not exist."))
    ip_hash = hash_ip(request.remote_addr)
    visitor = likes.visitor_hash(form.visitor.data, ip_hash)
    action = form.action.data
    if action == "toggle":
        action = "unlike" if likes.has_liked(comment, visitor) else "like"
    try:
        if action == "like":
            count = likes.like(target.site, comment, visitor, ip_hash)
        else:
            count = likes.unlike(target.site, comment, visitor)
    except likes.LikeRefused as refusal:
        abort(refusal.status, description=refusal.message)
    if _wants_json():
        return jsonify(comment=comment.id, count=count, liked=action == "like")
    return redirect(target.page_url(comment.id), code=303)
