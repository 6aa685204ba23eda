"""The `widget` command of an installed package: every command of `flask --app wsgi …`
(db upgrade, sites, admins, import, export, mail, webhooks, … and any a new package
registers on the app) plus `widget serve`, which runs gunicorn with our settings."""

import os
import sys

import click
from flask.cli import FlaskGroup

from . import create_app

GUNICORN_SETTINGS = "python:widget.gunicorn_config"


@click.command("serve", context_settings={"ignore_unknown_options": True,
                                          "allow_extra_args": True})
@click.argument("gunicorn_options", nargs=-1, type=click.UNPROCESSED)
def serve_command(gunicorn_options):
    """Serve the app with gunicorn and our settings (widget/gunicorn_config.py).

    Every option is gunicorn's and overrides ours, e.g.
    `widget serve --bind 127.0.0.1:8000 --workers 4`; the list: `python -m gunicorn --help`.
    """
    # gunicorn takes this process's place, so a service manager's signals reach it.
    command = [sys.executable, "-m", "gunicorn", "--config", GUNICORN_SETTINGS,
               *gunicorn_options]
    os.execv(sys.executable, command)


main = FlaskGroup(
    name="widget", create_app=create_app, add_version_option=False,
    help="Run and manage the widget comment service (the commands of "
         "`flask --app wsgi …`, and `serve`). Settings: WIDGET_* environment variables.")
main = click.version_option(package_name="widget", prog_name="widget",
                           message="%(prog)s %(version)s")(main)
# Flask's --app option would be ignored here (the app is always ours): leave it out.
main.params = [option for option in main.params if option.name != "app"]
main.add_command(serve_command)
