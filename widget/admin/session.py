"""Admin pages get a session cookie of their own, whatever the public pages' cookie policy.

The thread page lives in cross-site iframes and may need a `SameSite=None` cookie; the
dashboard must not inherit that. Requests under /admin use a separate cookie (its own
name, path, signing salt) that is always HttpOnly, SameSite=Lax, and Secure over HTTPS.
"""

from flask import has_request_context, request
from flask.sessions import SecureCookieSessionInterface, SessionInterface

from ..sharedcache import mark_private

ADMIN_PATH = "/admin"
ADMIN_COOKIE_NAME = "widget_admin"


def is_admin_request():
    return has_request_context() and (
        request.path == ADMIN_PATH or request.path.startswith(ADMIN_PATH + "/")
    )


class AdminCookieInterface(SecureCookieSessionInterface):
    salt = "widget-admin-session"

    def get_cookie_name(self, app):
        return ADMIN_COOKIE_NAME

    def get_cookie_domain(self, app):
        return None  # host-only: never shared with other subdomains

    def get_cookie_path(self, app):
        return ADMIN_PATH

    def get_cookie_httponly(self, app):
        return True

    def get_cookie_secure(self, app):
        return request.is_secure or bool(app.config.get("SESSION_COOKIE_SECURE"))

    def get_cookie_samesite(self, app):
        return "Lax"

    def get_cookie_partitioned(self, app):
        return False


class SplitSessionInterface(SessionInterface):
    """Hands /admin requests to AdminCookieInterface and the rest to the app's default."""

    def __init__(self, public=None):
        self.public = public or SecureCookieSessionInterface()
        self.admin = AdminCookieInterface()

    def _for_request(self):
        return self.admin if is_admin_request() else self.public

    def open_session(self, app, request):
        return self._for_request().open_session(app, request)

    def save_session(self, app, session, response):
        self._for_request().save_session(app, session, response)
        if "Set-Cookie" in response.headers:  # a cookie is one reader's: no shared cache
            mark_private(response)
