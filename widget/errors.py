"""Error pages and JSON errors: a clear message for every refusal, never a stack trace."""

from flask import current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

TITLES = {
    400: "Bad request",
    403: "Not allowed here",
    404: "Not found",
    405: "Method not allowed",
    413: "Too large",
    422: "Please check your input",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}
INTERNAL_ERROR_MESSAGE = "The server could not finish this request. Please try again in a moment."


def wants_json():
    return request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/")


def handle_http_error(error):
    title = TITLES.get(error.code, error.name)
    message = INTERNAL_ERROR_MESSAGE if error.code >= 500 and error.code != 503 else error.description
    if wants_json():
        body = jsonify(error=title, message=message)
    else:
        body = render_template("error.html", title=title, message=message)
    response = make_response(body, error.code)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected(error):
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app):
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
