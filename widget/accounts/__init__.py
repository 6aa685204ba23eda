"""Commenter identity: accounts, the host site's own users (SSO), emailed sign-in codes."""

from ..extensions import csrf
from . import models  # noqa: F401  (the tables, for the metadata)
from .accounts import describe_method


def init_app(app):
    # The views use the thread page's plumbing (embed/), which itself asks who is signed
    # in (sessions.py): imported here, once both packages are loaded.
    from . import menu_views  # noqa: F401  (the account menu's routes, on the same bp)
    from .views import bp

    csrf.exempt(bp)  # its forms carry the thread's signed form token instead
    app.register_blueprint(bp)
    app.add_template_filter(describe_method, "sign_in_method")
