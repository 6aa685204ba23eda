"""Email: an outbox sent in the background, reply notifications and moderation mails."""

from ..extensions import csrf
from . import cli, outbox, views


def init_app(app):
    app.register_blueprint(views.bp)
    # RFC 8058 one-click unsubscribe: mail clients POST with no cookie; the signed
    # address in the URL is the authority.
    csrf.exempt(views.one_click_unsubscribe)
    outbox.init_app(app)
    cli.init_app(app)
