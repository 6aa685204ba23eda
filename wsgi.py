"""The WSGI entry point in a checkout: `gunicorn wsgi:app`, `flask --app wsgi …` (an
installed package has `widget.wsgi:app` and the `widget` command)."""

from widget.wsgi import app  # noqa: F401
