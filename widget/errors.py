"""Error pages and JSON errors: a clear message for every refusal, never a stack trace.

Titles and generic messages are translated; a view's own description (translated where it
was raised) replaces the generic message. Unexpected errors and database outages are
logged with the request id that the page (and the X-Request-Id header) shows, so a
reader's report can be found in the logs.

An error page is rendered from what is already known: it never parses a body that the
view did not parse (it may be huge, chunked, or not valid for its Content-Type), never
asks an unavailable database who is signed in, and a handler that fails anyway falls
back to a plain page for the error it was handling (see `render_safely`).
"""

import functools

from flask import Response, current_app, g, jsonify, make_response, render_template, request
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
    TooManyRequests,
)

from .extensions import db
from .ratelimit import retry_after_seconds
from .requestid import request_id

TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed here"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    422: _l("Please check your input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}
# Said when a view gave no description of its own (Werkzeug's defaults are English only).
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this here."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept this kind of request."),
    413: _l("What was sent is too large."),
    422: _l("Please check what you entered and try again."),
    429: _l("Too many requests in a short time. Please wait a moment and try again."),
    503: _l("The service is busy or under maintenance. Please try again in a moment."),
}
INTERNAL_ERROR_MESSAGE = _l(
    "The server could not finish this request. Please try again in a moment.")
DATABASE_DOWN_MESSAGE = _l("The comments are temporarily unavailable. Nothing you sent was lost "
                           "on our side; please try again in a minute.")
DATABASE_RETRY_AFTER = 30
# The largest body an error page reads to keep a commenter's text (MAX_CONTENT_LENGTH
# applies when smaller): a form with the longest comment fits well within.
SAFE_FORM_BYTES = 1024 * 1024
# PostgreSQL error classes that mean "not now" rather than "wrong": connection problems,
# a read-only transaction (a replica, or a database being failed over), too many
# connections or no space, a server shutting down.
UNAVAILABLE_SQLSTATES = ("08", "25006", "53", "57P")


def wants_json():
    return request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/")


def error_message(error):
    if error.code >= 500 and error.code != 503:
        return str(INTERNAL_ERROR_MESSAGE)
    if error.description == type(error).description and error.code in MESSAGES:
        return str(MESSAGES[error.code])  # Werkzeug's default text: say it in the reader's language
    return str(error.description)


def render_safely(handler):
    """Wrap an error handler so that its own failure (the database gone while it renders,
    a body it could not read) answers with the plain page for the error it was handling,
    never with a 500 of its own."""
    @functools.wraps(handler)
    def guarded(error):
        try:
            return handler(error)
        except Exception:
            current_app.logger.exception("Error handler %s failed on %s %s",
                                         handler.__name__, request.method, request.path)
            discard_transaction()
            g.setdefault("admin", None)  # the dashboard's context must not ask the database
            return _plain_error_page(error)
    return guarded


def _plain_error_page(error):
    if isinstance(error, DBAPIError) and is_database_unavailable(error):
        error = ServiceUnavailable(DATABASE_DOWN_MESSAGE)
    elif not isinstance(error, HTTPException):
        error = InternalServerError()
    try:
        return handle_http_error(error)
    except Exception:  # even the template failed: text, no template, no database
        current_app.logger.exception("Plain error page failed on %s", request.path)
        return Response(f"{TITLES.get(error.code, error.name)}\n\n{error_message(error)}\n",
                        error.code, mimetype="text/plain")


def submitted_form():
    """The fields of the request's form when that is safe to know, else None; never raises.

    Safe: the view parsed the body already, or the body is a form (urlencoded or
    multipart) of known length within MAX_CONTENT_LENGTH. Never a chunked or oversized
    body, never JSON; a body that does not parse gives None.
    """
    if "form" in request.__dict__:  # werkzeug's cached_property: parsed by the view
        return request.form
    if request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return None
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or SAFE_FORM_BYTES
    length = request.content_length
    if length is None or length > min(limit, SAFE_FORM_BYTES):
        return None
    try:
        return request.form
    except Exception:  # a multipart body without boundary, a truncated one, ...
        return None


def handle_http_error(error):
    title = str(TITLES.get(error.code, error.name))
    message = error_message(error)
    if error.code == 413:
        message = too_large_message()
    elif error.code == 429:
        message = too_many_message(error.description)
    reference = request_id() if error.code >= 500 else None
    if wants_json():
        fields = {"error": title, "message": message}
        if reference:
            fields["request_id"] = reference
        body = jsonify(fields)
    else:
        body = render_template("error.html", title=title, message=message, reference=reference)
    response = make_response(body, error.code)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def too_large_message():
    limit_kib = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 1024
    message = _("What you sent is larger than the %(limit)s KiB this service accepts. "
                "Please shorten your comment and try again.", limit=format_number(limit_kib))
    if request.endpoint == "embed.post" and not wants_json():
        # The body is never read past the cap, so the text cannot be put in a new form;
        # the browser still has it in the form the comment came from.
        message += " " + _("Your text is still in the comment form: your browser's Back "
                           "button returns to it.")
    return message


def too_many_message(description):
    wait = retry_after_seconds()
    # Our limits say why; Werkzeug's default and Flask-Limiter's ("10 per 1 minute") do not.
    generic = not description or description == TooManyRequests.description or description[0].isdigit()
    reason = str(TITLES[429]) + "." if generic else str(description)
    if wait:
        return ngettext("%(reason)s Please wait %(num)s second and try again.",
                        "%(reason)s Please wait %(num)s seconds and try again.", wait,
                        reason=reason)
    return _("%(reason)s Please wait a moment and try again.", reason=reason)


def is_database_unavailable(error):
    """True for errors that mean the database cannot be reached or written right now."""
    if isinstance(error, (OperationalError, InterfaceError)) or error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate.startswith(UNAVAILABLE_SQLSTATES)


def handle_database_error(error):
    """A database that is down or read-only is a 503 that clears up by itself (the pool
    pings connections before use); any other database error is a bug: a 500."""
    if not is_database_unavailable(error):
        return handle_unexpected(error)
    discard_transaction()
    log_database_outage(error)
    g.setdefault("admin", None)  # the dashboard's page must not ask the database again
    response = handle_http_error(ServiceUnavailable(DATABASE_DOWN_MESSAGE))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def log_database_outage(error):
    """One line, no stack trace: an outage is not a bug, and it can last a while."""
    cause = (str(error.orig or error).strip().splitlines() or [type(error).__name__])[0]
    current_app.logger.error("Database unavailable on %s %s: %s",
                             request.method, request.path, cause)


def handle_unexpected(error):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    discard_transaction()  # the error page must not trip over a half-done transaction
    return handle_http_error(InternalServerError())


def discard_transaction():
    try:
        db.session.rollback()
    except Exception:  # the connection may be gone; the session is discarded anyway
        current_app.logger.warning("Could not roll back after an error", exc_info=True)


def init_app(app):
    app.register_error_handler(HTTPException, render_safely(handle_http_error))
    app.register_error_handler(DBAPIError, render_safely(handle_database_error))
    app.register_error_handler(Exception, render_safely(handle_unexpected))
