"""gunicorn's settings for this app, read from the directory gunicorn is started in
(`gunicorn wsgi:app` in a checkout). They live in the package, widget/gunicorn_config.py,
so that `widget serve` of an installed package uses the same ones."""

from widget.gunicorn_config import *  # noqa: F403 (gunicorn takes every setting it finds)
