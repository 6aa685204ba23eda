"""Preview a comment before posting: JSON for the inline script, else the thread page
again with the form filled in and the preview shown. Nothing is stored."""

from flask import current_app, jsonify
from flask_babel import gettext as _

from ..markup import render_comment
from ..ratelimit import actions_limit
from .forms import comment_too_long
from .views import ThreadRequest, _render_thread, _wants_json, bp, check_origin


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
