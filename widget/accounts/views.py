"""The thread's account endpoints: trade an SSO token for a session, say who is signed
in, sign out (here or everywhere). JSON for thread.js; redirects for pages without it."""

import logging

from flask import Blueprint, jsonify, redirect, render_template, request
from flask_babel import gettext as _

from ..embed.views import ThreadRequest, _wants_json, check_origin
from ..ratelimit import actions_limit
from .accounts import AccountBanned, describe_method
from .rights import own_comments_on
from .sessions import current_viewer, end_all_sessions, end_session, find_viewer, request_token
from .sso import InvalidToken, sign_in

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)


def checked_thread(site_key):
    """The thread the request names, its origin checked and its form token valid (the
    CSRF check of every account POST: a token only the thread page hands out)."""
    target = ThreadRequest(site_key)
    check_origin(target.site)
    form = target.action_form()
    if not form.validate():
        message = " ".join(str(text) for texts in form.errors.values() for text in texts)
        return target, message
    return target, None


def viewer_answer(target, viewer, status=200, **extra):
    """What thread.js needs to show a viewer (or the signed-out state)."""
    if viewer is None:
        return jsonify(signed_in=False, **extra), status
    account = viewer.account
    return jsonify(
        signed_in=True, token=viewer.token, name=account.display_name,
        method=viewer.method, via=describe_method(viewer.method),
        commenting_as=_("Commenting as %(name)s", name=account.display_name),
        html=render_template("embed/_account.html", target=target, viewer=viewer),
        # Their comments here, which the shared (cached) page cannot mark as theirs.
        own_comments=own_comments_on(target.thread, account),
        **extra,
    ), status


@bp.post("/t/<site_key>/account")
@actions_limit
def who_am_i(site_key):
    """Who is signed in here, asked by thread.js at each page view with what the loader
    keeps: the commenter token, and the host page's SSO token when the snippet has a
    `data-sso` attribute (sent in the body, never in a URL).

    With `sso` in the request the host site is the authority: a valid token signs its
    user in (a fresh session replaces the old one); none, or an invalid one, means its
    user has logged out there, which ends a session that came from it. A session made
    another way (an emailed code) is not the host's to end.
    """
    target, refusal = checked_thread(site_key)
    if refusal:
        return jsonify(signed_in=False, message=refusal), 400
    viewer = current_viewer(target.site)
    if "sso" not in request.form:
        return viewer_answer(target, viewer)
    try:
        _account, token = sign_in(target.site, request.form["sso"],
                                  replaced_token=request_token(target.site))
    except InvalidToken as invalid:
        if request.form["sso"]:
            log.info("SSO token refused for site %s: %s", target.site.key, invalid)
        if viewer is not None and viewer.method.startswith("sso"):
            end_session(target.site, viewer.token)
            viewer = None
        return viewer_answer(target, viewer)
    except AccountBanned:
        return jsonify(signed_in=False, message=_(
            "This account may no longer comment here.")), 403
    return viewer_answer(target, find_viewer(target.site, token))


@bp.post("/t/<site_key>/account/sign-out")
def sign_out(site_key):
    return _sign_out(site_key, everywhere=False)


@bp.post("/t/<site_key>/account/sign-out-everywhere")
def sign_out_everywhere(site_key):
    return _sign_out(site_key, everywhere=True)


def _sign_out(site_key, everywhere):
    target, refusal = checked_thread(site_key)
    if refusal:
        if _wants_json():
            return jsonify(message=refusal), 400
        return redirect(target.page_url(), code=303)
    viewer = current_viewer(target.site)
    method = viewer.method if viewer else None
    if viewer and everywhere:
        end_all_sessions(viewer.account)
    else:
        end_session(target.site, request_token(target.site))
    if _wants_json():
        # A host-site member also leaves the host's session (the loader goes to its
        # data-sso-logout), or the next page view would sign them in again.
        return viewer_answer(target, None, host_sign_out=(method or "").startswith("sso"))
    return redirect(target.page_url(), code=303)
