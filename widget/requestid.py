"""A request id per request: in every log line of the request, in X-Request-Id, on error pages.

A reader who hits an error can quote the id from the page, and the operator finds the
matching log lines; nothing else about the request needs to be shown to anyone.
"""

import logging
import re
import secrets

from flask import current_app, has_request_context, request

# A trusted proxy in front (WIDGET_PROXY_HOPS > 0) may have given the request an id
# already; keep it if it looks sane. From clients directly, ids are never taken.
INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


ENVIRON_KEY = "widget.request_id"


def request_id():
    """This request's id, made on first use (before_request hooks may fail before ours).
    Kept in the WSGI environ: it belongs to the request, not to the app context."""
    environ = request.environ
    if ENVIRON_KEY not in environ:
        incoming = request.headers.get("X-Request-Id", "") if current_app.config.get(
            "PROXY_HOPS") else ""
        environ[ENVIRON_KEY] = incoming if INCOMING_ID.fullmatch(incoming) else secrets.token_hex(8)
    return environ[ENVIRON_KEY]


class RequestIdFilter(logging.Filter):
    """Prefix every record logged during a request with its id, whatever the handler."""

    def filter(self, record):
        if has_request_context() and not getattr(record, "request_id", None):
            record.request_id = request_id()
            record.msg = f"[request {record.request_id}] {record.msg}"
        return True


def add_request_id_header(response):
    response.headers["X-Request-Id"] = request_id()
    return response


def init_app(app):
    if not any(isinstance(existing, RequestIdFilter) for existing in app.logger.filters):
        app.logger.addFilter(RequestIdFilter())
    app.after_request(add_request_id_header)
