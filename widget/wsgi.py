"""The WSGI entry point of the package: `gunicorn widget.wsgi:app` (what `widget serve`
runs). The checkout's top-level wsgi.py imports this app."""

from . import create_app
from .privacy import prepare_salts

app = create_app()
prepare_salts(app)  # this period's and the next IP salt, so that no request makes one
