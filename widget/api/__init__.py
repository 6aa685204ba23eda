"""The JSON API, /api/v1: public reading and writing of comments, the admin API with
tokens, and its OpenAPI document (made from the code that validates requests)."""

from ..extensions import csrf
from . import admin_ops, cli, dashboard, models, public  # noqa: F401  (routes, tables)
from .blueprint import ScopedApi, admin, public as public_bp
from .docs import bp as docs_bp

API_INFO = {
    "description": "Comments of the sites this service holds: read a thread, post, edit "
                   "and delete one's own comments, like, count; and, with an API token, "
                   "moderate. Every refusal is JSON {message, errors}.",
}


def init_app(app):
    api = ScopedApi(spec_kwargs={
        "title": "Widget comments API", "version": "1", "openapi_version": "3.1.0",
        "info": API_INFO,
    })
    api.init_app(app)
    api.spec.components.security_scheme("ApiToken", {
        "type": "http", "scheme": "bearer",
        "description": "An API token (dashboard → API tokens, or `flask tokens create`)."})
    csrf.exempt(public_bp)  # no cookies: Origin check and form token (see public.py)
    csrf.exempt(admin)  # no cookies: the bearer token
    api.register_blueprint(public_bp)
    api.register_blueprint(admin)
    app.register_blueprint(docs_bp)
    app.register_blueprint(dashboard.bp)
    cli.init_app(app)
