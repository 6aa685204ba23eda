"""Webhooks: a site's comment events POSTed, signed, to other services (or to Slack and
Discord), from a queue sent in the background with retries."""

from . import cli, events, worker  # noqa: F401  (events: the signal receivers)
from . import models  # noqa: F401  (the tables, for the metadata)
from .views import bp


def init_app(app):
    app.register_blueprint(bp)
    worker.init_app(app)
    cli.init_app(app)
