"""Command line: `flask --app wsgi sites …` and the demo set-up used by `make run`."""

import json

import click
from flask.cli import AppGroup

from .abuse_cli import commenter_cli, site_rules_command
from .extensions import db
from .likes import set_likes_enabled
from .porting import cli as porting_cli
from .sites import all_sites, create_site, embed_snippet, parse_origins
from .threads import find_site
from .urls import InvalidURL

sites_cli = AppGroup("sites", help="Register and list the sites that embed comments.")

DEMO_SITE_KEY = "demo"


@sites_cli.command("create")
@click.argument("name")
@click.option("--origin", "origins", multiple=True, required=True,
              help="An origin the thread may be embedded on, e.g. https://blog.example.com "
                   "(repeat for several).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def create_site_command(name, origins, as_json):
    """Register a site and print its key and embed snippet."""
    try:
        site = create_site(name, origins)
    except InvalidURL as error:
        raise click.BadParameter(str(error), param_hint="--origin") from None
    snippet = embed_snippet(site)
    if as_json:
        click.echo(json.dumps({"key": site.key, "name": site.name,
                               "origins": site.allowed_origins, "snippet": snippet}))
    else:
        click.echo(f"Site “{site.name}” created with key {site.key}.\n")
        click.echo("Paste this where the comments should appear:\n")
        click.echo(snippet)


@sites_cli.command("list")
def list_sites_command():
    """List the registered sites with their keys and origins."""
    sites = all_sites()
    if not sites:
        click.echo("No sites yet: create one with `flask --app wsgi sites create NAME --origin URL`.")
    for site in sites:
        click.echo(f"{site.key}\t{site.name}\t{' '.join(site.allowed_origins)}")


@sites_cli.command("likes")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--site", "key", required=True, help="The site's key (as `sites list` shows).")
def site_likes_command(state, key):
    """Turn the like buttons of a site on or off."""
    site = find_site(key)
    if site is None:
        raise click.ClickException(f"No site has the key {key}.")
    set_likes_enabled(site, state == "on")
    click.echo(f"Likes are {state} for “{site.name}”.")


@click.command("demo")
@click.option("--origin", "origins", multiple=True,
              default=["http://127.0.0.1:5000", "http://localhost:5000"])
def demo_command(origins):
    """Create the demo site (key "demo"), or let it accept these origins too."""
    demo_site = find_site(DEMO_SITE_KEY)
    if demo_site is None:
        create_site("Demo", origins, key=DEMO_SITE_KEY)
        click.echo("Demo site created.")
        return
    added = [origin for origin in parse_origins(origins) if origin not in demo_site.allowed_origins]
    if added:
        demo_site.allowed_origins = demo_site.allowed_origins + added
        db.session.commit()
    click.echo("The demo site exists.")


sites_cli.add_command(site_rules_command)


def init_app(app):
    app.cli.add_command(sites_cli)
    app.cli.add_command(commenter_cli)
    app.cli.add_command(demo_command)
    porting_cli.init_app(app)
