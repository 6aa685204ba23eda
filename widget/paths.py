"""Where the app's files are, in a checkout and in an installed package.

A checkout keeps static/ and migrations/ at its top (development, the docs and the bench
use them there); a build copies them into the package (setup.py), so an installed copy
has widget/static/ and widget/migrations/. The instance folder (the generated secret, the
default SQLite database) is WIDGET_INSTANCE_PATH when set, else Flask's choice: instance/
at the top of a checkout, <prefix>/var/widget-instance for an installed package."""

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DIR = PACKAGE_DIR.parent


def shipped_folder(name):
    """The package's copy when installed, else the checkout's top-level folder."""
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else CHECKOUT_DIR / name


STATIC_DIR = shipped_folder("static")
MIGRATIONS_DIR = shipped_folder("migrations")


def instance_path_from_environment():
    """WIDGET_INSTANCE_PATH as an absolute path (Flask requires one), or None."""
    configured = os.environ.get("WIDGET_INSTANCE_PATH", "").strip()
    return os.path.abspath(os.path.expanduser(configured)) if configured else None
