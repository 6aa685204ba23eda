"""The /admin blueprint: every route needs a signed-in admin, except signing in."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _

from ..errors import wants_json
from .auth import current_admin, safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")

PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_admin():
    if request.endpoint in PUBLIC_ENDPOINTS or current_admin() is not None:
        return None
    if wants_json():
        abort(401, description=_("Sign in to the dashboard first."))
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("admin.login", next=next_url))


@bp.after_request
def never_cache(response):
    """Dashboard pages hold emails and IP hashes: keep them out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def admin_context():
    return {"admin": current_admin()}


def redirect_back(next_url, default_endpoint, **values):
    """Back to where the form was (a dashboard path only), else to a default page."""
    return redirect(safe_next(next_url, url_for(default_endpoint, **values)), code=303)


def id_arg(name):
    """An id from the query string: None when absent or empty, 404 when not a number."""
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        abort(404, description=_("There is nothing with this %(name)s among yours.", name=name))
    return int(raw)


def form_refused(form, status=422):
    """A small action form that did not validate: say why, plainly."""
    messages = [str(message) for errors in form.errors.values() for message in errors]
    abort(status, description=" ".join(messages) or _("The form could not be read."))
