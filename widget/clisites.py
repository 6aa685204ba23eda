"""The one way a command turns a site key it was given into the site, or stops with a
message that says where to find the keys."""

import click

from .threads import find_site


def site_or_fail(key):
    site = find_site(key)
    if site is None:
        raise click.ClickException(f"No site has the key {key} (see `sites list`).")
    return site
