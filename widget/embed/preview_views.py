"""Preview a comment before posting: JSON for the inline script, else the thread page
again with the form filled in and the preview shown. Nothing is stored.

The same page confirms a comment sent with the token of a page from a shared cache
(every reader got that token): the reader checks it and posts again with a token of
their own, so the time trap counts from this page and double submits are told apart
from two readers' posts. See docs/deployment.md, "A shared cache in front"."""

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..markup import render_comment
from ..ratelimit import actions_limit
from .forms import comment_too_long
from .views import ThreadRequest, _render_thread, _wants_json, bp, check_origin

CONFIRM_MESSAGE = _l("Check your comment, then press Post comment.")


@bp.post("/t/<site_key>/preview")
@actions_limit
def preview(site_key):
    target = ThreadRequest(site_key)
    check_origin(target.site)
    form = target.form()
    errors = {}
    # Only the form token and the length matter here: the other fields may be unfinished.
    if not form.csrf_token.validate(form):
        errors["csrf_token"] = form.csrf_token.errors
    text = form.text.data or ""
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if len(text) > limit:
        errors["text"] = [comment_too_long(len(text), limit)]
    html = render_comment(text) if text.strip() and not errors else ""
    reply_to = int(form.parent.data) if (form.parent.data or "").isdigit() else None
    if _wants_json():
        if errors:
            return jsonify(message=_("No preview."), errors=errors), 422
        return jsonify(html=html)
    form_errors = errors.get("csrf_token", [])
    if "text" in errors:
        form.text.errors = errors["text"]
    response = _render_thread(target, form, reply_to, form_errors, previewed=True,
                              preview_html=html)
    return response, 422 if errors else 200


def confirm_page(target, form, reply_to):
    """A validated comment sent with a shared token: shown as a preview, kept in a form
    with a fresh token of the reader's own (JSON: thread.js fetches such a token first,
    so it only gets here when that failed, and sends again)."""
    if _wants_json():
        return jsonify(message=str(CONFIRM_MESSAGE),
                       errors={"csrf_token": [str(CONFIRM_MESSAGE)]}), 422
    response = _render_thread(target, form, reply_to, [str(CONFIRM_MESSAGE)], previewed=True,
                              preview_html=render_comment(form.text.data))
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
