"""A self-hosted comment service: create_app() builds the Flask application."""

from flask import Flask

from . import (
    accounts,
    admin,
    api,
    assets,
    avatars,
    clients,
    cli,
    dbretry,
    demo,
    embed,
    errors,
    feeds,
    headers,
    i18n,
    mail,
    pagecache,
    ratelimit,
    requestid,
    routing,
    sharedcache,
    templating,
    theme,
    webhooks,
)
from .config import load_config
from .extensions import csrf, db, migrate
from .paths import MIGRATIONS_DIR, STATIC_DIR, instance_path_from_environment


def create_app(test_config=None, instance_path=None):
    app = Flask(__name__, instance_path=instance_path or instance_path_from_environment(),
                instance_relative_config=True, static_folder=str(STATIC_DIR))
    load_config(app, test_config)
    app.session_interface = admin.SplitSessionInterface()  # the dashboard's own cookie
    routing.init_app(app)  # ids in paths within what the database holds

    db.init_app(app)
    dbretry.init_app(app)  # a connection lost in the pool: the first statement again
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    ratelimit.init_app(app)  # the limiter, keyed on the client's network
    clients.init_app(app)  # trusted proxies (WIDGET_PROXY_HOPS)
    i18n.init_app(app)
    pagecache.init_app(app)  # rendered thread pages, by thread version
    sharedcache.init_app(app)  # purges of a shared HTTP cache in front, when configured
    assets.init_app(app)  # hashed static URLs, compression

    csrf.exempt(embed.bp)  # its form carries a signed per-form token instead
    app.register_blueprint(embed.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(admin.bp)
    accounts.init_app(app)  # commenters who sign in
    avatars.init_app(app)
    mail.init_app(app)
    webhooks.init_app(app)  # a site's comment events sent to other services
    api.init_app(app)  # /api/v1: JSON API, its OpenAPI document and API tokens
    app.register_blueprint(theme.bp)
    if app.config["DEMO"]:
        app.register_blueprint(demo.bp)

    errors.init_app(app)
    templating.init_app(app)
    theme.init_app(app)
    cli.init_app(app)
    headers.init_app(app)
    requestid.init_app(app)
    return app
