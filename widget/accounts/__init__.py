"""Commenter identity: accounts, the host site's own users (SSO), emailed sign-in codes."""

from ..extensions import csrf
from . import models  # noqa: F401  (the tables, for the metadata)
from . import providers
from .accounts import describe_method


def init_app(app):
    # The views use the thread page's plumbing (embed/), which itself asks who is signed
    # in (sessions.py): imported here, once both packages are loaded.
    from . import email_views
    from .oauth_views import bp as oauth_bp
    from . import menu_views  # noqa: F401  (the account menu's routes, on the same bp)
    from .views import bp

    csrf.exempt(bp)  # its forms carry the thread's signed form token instead
    app.register_blueprint(bp)
    email_views.init_app(app, csrf)
    app.add_template_filter(describe_method, "sign_in_method")
    # Sign in with GitHub, Google, any OpenID Connect provider (WIDGET_LOGIN_PROVIDERS).
    providers.init_app(app)
    csrf.exempt(oauth_bp)
    app.register_blueprint(oauth_bp)
    app.add_template_global(providers.site_providers, "login_providers_of")
    app.add_template_global(providers.identity_label, "identity_label")
