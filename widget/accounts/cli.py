"""Commands for a site's commenter accounts: `sites sso KEY`, `sites commenters KEY …`,
`sites providers KEY NAME…`."""

import json

import click

from ..clisites import site_or_fail
from ..extensions import db
from ..models import Commenters, ModerationMode
from ..threads import bump_site_versions
from .providers import configured_providers
from .sso import ROTATION_GRACE, ensure_secret, rotate_secret


@click.command("sso")
@click.argument("key")
@click.option("--rotate", is_flag=True,
              help="Make a new secret; tokens signed with the old one keep working "
                   f"for {int(ROTATION_GRACE.total_seconds() // 3600)} hours.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def sso_command(key, rotate, as_json):
    """Show (made on first use) or rotate the secret a site signs its users' SSO tokens
    with (HS256): keep it on the site's server, never in a page."""
    site = site_or_fail(key)
    secret = rotate_secret(site) if rotate else ensure_secret(site)
    if as_json:
        click.echo(json.dumps({"key": site.key, "secret": secret, "rotated": rotate,
                               "algorithm": "HS256"}))
        return
    if rotate:
        hours = int(ROTATION_GRACE.total_seconds() // 3600)
        click.echo(f"New SSO secret for “{site.name}” (the previous one works for "
                   f"{hours} more hours):")
    else:
        click.echo(f"SSO secret of “{site.name}” (sign tokens with HS256):")
    click.echo(secret)


@click.command("commenters")
@click.argument("key")
@click.argument("who", type=click.Choice(["anyone", "signed-in"]))
def commenters_command(key, who):
    """Who may comment on a site: anyone (the default), or signed-in commenters only."""
    site = site_or_fail(key)
    site.commenters = Commenters.ANYONE if who == "anyone" else Commenters.SIGNED_IN
    bump_site_versions(site.id)  # the form asks for a name, or for a sign-in
    db.session.commit()
    click.echo(f"On “{site.name}”, {who} may comment.")


@click.command("moderation")
@click.argument("key")
@click.argument("mode", type=click.Choice([mode.value for mode in ModerationMode]))
@click.option("--trusted-after", type=click.IntRange(0, 10_000), default=None,
              help="With 'trusted': approved comments that make a member trusted.")
def moderation_command(key, mode, trusted_after):
    """A site's pre-moderation: none, first (first-time commenters wait), trusted
    (signed-in members with enough approved comments skip the queue), or all."""
    site = site_or_fail(key)
    site.moderation = ModerationMode(mode)
    if trusted_after is not None:
        site.trusted_after = trusted_after
    bump_site_versions(site.id)  # as the dashboard's settings form does
    db.session.commit()
    extra = f" (after {site.trusted_after} approved comments)" if mode == "trusted" else ""
    click.echo(f"Moderation of “{site.name}”: {mode}{extra}.")


@click.command("providers")
@click.argument("key")
@click.argument("names", nargs=-1)
@click.option("--none", "offer_none", is_flag=True, help="Offer no provider.")
def providers_command(key, names, offer_none):
    """Which sign-in providers (names from WIDGET_LOGIN_PROVIDERS) a site's threads offer,
    in this order; without names, show the site's choice and what is configured."""
    site = site_or_fail(key)
    configured = configured_providers()
    if not names and not offer_none:
        chosen = ", ".join(site.login_providers) or "none"
        click.echo(f"“{site.name}” offers: {chosen}. Configured: "
                   f"{', '.join(configured) or 'none (set WIDGET_LOGIN_PROVIDERS)'}.")
        return
    unknown = [name for name in names if name not in configured]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)} not in WIDGET_LOGIN_PROVIDERS (configured: "
            f"{', '.join(configured) or 'none'}).", param_hint="NAMES")
    site.login_providers = list(dict.fromkeys(names))
    # The site's thread pages show other buttons now: no cached copy may serve the old.
    bump_site_versions(site.id)
    db.session.commit()
    click.echo(f"“{site.name}” offers: {', '.join(site.login_providers) or 'none'}.")


def init_app(sites_cli):
    for command in (sso_command, commenters_command, moderation_command, providers_command):
        sites_cli.add_command(command)
