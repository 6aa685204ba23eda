"""The account menu's screens: My comments, Download my data, Delete my account.

Each answers thread.js with JSON (an HTML fragment it shows as a panel under the account
bar, or the data itself) and a reader without scripts with a page of its own in the
iframe. The viewer is whoever the request proves (accounts/sessions.py: the token in a
field or header, else the session cookie). What changes or hands out data is a POST
with the thread's form token (checked_thread) and rate-limited; My comments only reads,
by GET, so that its pages can be linked, and no other site can frame or read it.
"""

import json

from flask import abort, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from ..embed.views import ThreadRequest, _wants_json
from ..ratelimit import actions_limit
from .rights import comments_page, delete_account, export_account
from .sessions import current_viewer, end_all_sessions
from .views import bp, checked_thread, viewer_answer

MY_COMMENTS_PER_PAGE = 20


def _signed_in(target):
    viewer = current_viewer(target.site)
    if viewer is None:
        abort(403, description=_("You are not signed in. Sign in again to use your account."))
    return viewer


def _screen(target, panel, title, status=200, **context):
    """The panel as JSON for thread.js, or as a page of its own."""
    if _wants_json():
        return jsonify(html=render_template(panel, target=target, **context)), status
    return render_template("embed/account_page.html", target=target, panel=panel,
                           title=title, **context), status


def _checked(site_key):
    """The thread of an account POST, with its form token and origin checked, and the
    signed-in viewer; a refusal is a 400 with the reason."""
    target, refusal = checked_thread(site_key)
    if refusal:
        abort(400, description=refusal)
    return target, _signed_in(target)


@bp.get("/t/<site_key>/account/comments")
def my_comments(site_key):
    target = ThreadRequest(site_key)
    viewer = _signed_in(target)
    listing = comments_page(viewer.account, request.args.get("p", 1, type=int),
                            MY_COMMENTS_PER_PAGE)
    return _screen(target, "embed/_account_comments.html", _("My comments"), listing=listing)


@bp.post("/t/<site_key>/account/data")
@actions_limit
def download_data(site_key):
    """Everything kept about the account, as a JSON file to save (Content-Disposition:
    attachment), for a form without scripts and for thread.js's fetch alike."""
    target, viewer = _checked(site_key)
    body = json.dumps(export_account(viewer.account), ensure_ascii=False, indent=2)
    response = current_app.response_class(body, mimetype="application/json")
    filename = f"comments-account-{target.site.key}-{viewer.account.id}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/t/<site_key>/account/delete")
def confirm_delete(site_key):
    target = ThreadRequest(site_key)
    _signed_in(target)
    return _screen(target, "embed/_account_delete.html", _("Delete my account"),
                   form=target.action_form())


@bp.post("/t/<site_key>/account/delete", endpoint="delete_account")
@actions_limit
def delete_account_view(site_key):
    """Delete the account once the reader ticked the confirmation (never one click)."""
    target, viewer = _checked(site_key)
    if request.form.get("confirm") != "yes":
        message = _("Tick the box to confirm that your account and comments should be deleted.")
        if _wants_json():
            return jsonify(message=message, errors={"confirm": [message]}), 422
        return _screen(target, "embed/_account_delete.html", _("Delete my account"), 422,
                       form=target.action_form(), confirm_error=message)
    method = viewer.method
    end_all_sessions(viewer.account)  # and this browser's cookie forgets it
    erasure = delete_account(viewer.account)
    if _wants_json():
        # A host-site member also leaves the host's session, as with Sign out: else the
        # next page view would make them a new (empty) account at once.
        return viewer_answer(target, None, deleted=True, removed=erasure.removed,
                             kept_as_deleted=erasure.kept_as_deleted,
                             host_sign_out=method.startswith("sso"))
    return render_template("embed/account_page.html", target=target, title=_(
        "Your account was deleted"), message=_(
        "Your account and your comments on this site were deleted."))

