"""The API's two blueprints (public and admin) under /api/v1, their JSON errors and CORS.

flask-smorest's Api would register a JSON error handler on the whole app; ours handles
errors on the API's blueprints only, so every other page keeps its own error pages.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_smorest import Api, Blueprint
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from ..errors import discard_transaction, error_message, too_many_message
from ..threads import find_site
from .schemas import ErrorSchema

PREFIX = "/api/v1"
EDIT_TOKEN_HEADER = "X-Edit-Token"
PREFLIGHT_MAX_AGE = 600


class ScopedApi(Api):
    """flask-smorest's Api, minus its app-wide error handler and its docs blueprint
    (we serve /api/v1/openapi.json and /api/v1/docs ourselves). These two hooks are
    flask-smorest's own methods, not public API: pyproject.toml pins its minor version,
    and tests/api/test_document.py fails if another blueprint's errors turn JSON."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass

    def _register_doc_blueprint(self):
        pass


public = Blueprint("api_public", __name__, url_prefix=PREFIX,
                   description="Read and write comments as a reader does (no token).")
admin = Blueprint("api_admin", __name__, url_prefix=PREFIX + "/admin",
                  description="Moderate with an API token (Authorization: Bearer …).")


def json_error(error):
    """{message, errors} for every refusal, with the problems per field when known."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = {}
    for location, location_errors in (data.get("messages") or {}).items():  # webargs
        if not isinstance(location_errors, dict):  # e.g. a body that is not JSON at all
            location_errors = {"body" if location == "json" else location: location_errors}
        for name, messages in location_errors.items():
            errors[str(name)] = _flat_messages(messages)
    errors.update(data.get("errors") or {})
    if data.get("message"):
        message = data["message"]
    elif errors:
        message = _("The request was not accepted.")
    elif status == 429:
        message = too_many_message(error.description)
    else:
        message = error_message(error)
    body = {"message": str(message)}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="widget"'
    return response


def _flat_messages(messages):
    """marshmallow nests messages for lists and dicts; the API gives a list of strings."""
    if isinstance(messages, dict):
        return [text for inner in messages.values() for text in _flat_messages(inner)]
    if isinstance(messages, (list, tuple)):
        return [text for inner in messages for text in _flat_messages(inner)]
    return [str(messages)]


def allow_site_origins(response):
    """CORS for the public API: scripts on the site's allowed origins may call it, and
    nobody else's (no credentials: the API reads no cookies)."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    site_key = (request.view_args or {}).get("site_key")
    if not origin or not site_key:
        return response
    try:
        site = find_site(site_key)
    except DBAPIError:  # the database is away: the answer (a 503) goes without CORS
        discard_transaction()
        return response
    if site is None or origin not in site.allowed_origins:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PATCH, DELETE"
        response.headers["Access-Control-Allow-Headers"] = (
            f"Content-Type, {EDIT_TOKEN_HEADER}, X-Widget-Account")
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# Database errors (a 503 while it is away) keep the app's handler: JSON under /api/.
for blueprint in (public, admin):
    blueprint.register_error_handler(HTTPException, json_error)
public.after_request(allow_site_origins)
admin.after_request(no_store)
