"""What commands share: the one way to turn a site key into the site, and hints that
name the command the way it was run (`widget …` when installed as a package, `flask --app
wsgi …` in a checkout)."""

import click

from .threads import find_site


def command(rest):
    """`rest` (e.g. "sites list") prefixed the way this program was started."""
    context = click.get_current_context(silent=True)
    program = context.find_root().info_name if context else None
    return f"widget {rest}" if program == "widget" else f"flask --app wsgi {rest}"


def site_or_fail(key):
    site = find_site(key)
    if site is None:
        raise click.ClickException(f"No site has the key {key} (see `{command('sites list')}`).")
    return site
