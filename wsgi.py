"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi …`."""

from widget import create_app
from widget.privacy import prepare_salts

app = create_app()
prepare_salts(app)  # this period's and the next IP salt, so that no request makes one
