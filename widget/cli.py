"""Command line: `flask --app wsgi sites …` and the demo set-up used by `make run`."""

import json

import click
from flask.cli import AppGroup

from .abuse_cli import commenter_cli, privacy_cli, site_rules_command
from .accounts import cli as accounts_cli
from .admin import admins_cli
from .extensions import db
from .i18n import available_languages, supported_language
from .likes import set_likes_enabled
from .porting import cli as porting_cli
from .sites import all_sites, create_site, embed_snippet, parse_origins
from .theme import CustomCSSTooLong, set_custom_css
from .clisites import command, site_or_fail
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
        click.echo(f"No sites yet: create one with `{command('sites create NAME --origin URL')}`.")
    for site in sites:
        click.echo(f"{site.key}\t{site.name}\t{' '.join(site.allowed_origins)}")


@sites_cli.command("likes")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--site", "key", required=True, help="The site's key (as `sites list` shows).")
def site_likes_command(state, key):
    """Turn the like buttons of a site on or off."""
    site = site_or_fail(key)
    set_likes_enabled(site, state == "on")
    click.echo(f"Likes are {state} for “{site.name}”.")


@sites_cli.command("set-css")
@click.argument("key")
@click.argument("css_file", type=click.File("r", encoding="utf-8"))
def set_css_command(key, css_file):
    """Set a site's custom CSS from a file ("-" reads standard input; an empty file
    removes it). The CSS is sanitized; what was taken out is listed."""
    site = site_or_fail(key)
    try:
        removed = set_custom_css(site, css_file.read())
    except CustomCSSTooLong as error:
        raise click.BadParameter(str(error), param_hint="CSS_FILE") from None
    for part in removed:
        click.echo(f"Removed: {part}", err=True)
    if site.custom_css:
        click.echo(f"Custom CSS of “{site.name}” set ({len(site.custom_css):,} characters).")
    else:
        click.echo(f"“{site.name}” has no custom CSS now.")


@sites_cli.command("set-language")
@click.argument("key")
@click.argument("language")
def set_language_command(key, language):
    """Set the language of a site's threads when the snippet names none ("auto": the
    reader's browser decides)."""
    site = site_or_fail(key)
    chosen = None if language == "auto" else supported_language(language)
    if language != "auto" and chosen is None:
        raise click.BadParameter(
            f"{language!r} is not one of the languages: {', '.join(available_languages())}, "
            "or auto.", param_hint="LANGUAGE")
    site.default_language = chosen
    db.session.commit()
    click.echo(f"Threads of “{site.name}” are now in: {site.default_language or 'auto'}.")


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
accounts_cli.init_app(sites_cli)  # sso, commenters, moderation


def init_app(app):
    app.cli.add_command(sites_cli)
    app.cli.add_command(commenter_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(admins_cli)
    app.cli.add_command(demo_command)
    porting_cli.init_app(app)
