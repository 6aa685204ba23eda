"""The WSGI entry point of the package: `gunicorn widget.wsgi:app` (what `widget serve`
runs). The checkout's top-level wsgi.py imports this app."""

from . import create_app

app = create_app()
