"""Command line for privacy requests (`commenter export|erase`), the IP salts (`privacy
rotate`) and spam rules (`sites rules`)."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from .commenters import erase_commenter, export_commenter
from .extensions import db
from .i18n import english_plural
from .models import Site
from .privacy import rotate_salts

commenter_cli = AppGroup("commenter", help="Export or erase what is stored about a commenter.")
privacy_cli = AppGroup("privacy", help="The salts under which IPs are hashed.")


@privacy_cli.command("rotate")
def rotate_command():
    """Make this period's and the next period's IP salt and delete expired ones. Run it
    from a scheduler (e.g. daily): then no request ever has to make a salt."""
    made = rotate_salts()
    click.echo(f"IP salts made for periods: {', '.join(map(str, made))}." if made
               else "The IP salts were ready.")


@commenter_cli.command("export")
@click.argument("email")
def export_command(email):
    """Print, as JSON, every comment made with EMAIL (for a data access request)."""
    click.echo(json.dumps(export_commenter(email), indent=2, ensure_ascii=False))


@commenter_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(email, yes):
    """Erase every comment made with EMAIL; comments others replied to stay as "[deleted]"."""
    stored = export_commenter(email)
    count = len(stored["comments"])
    if count == 0 and not stored["reply_notifications"] and not stored["emails_queued_or_sent"]:
        click.echo(f"Nothing is stored with {email}.")
        return
    if not yes:
        click.confirm(english_plural("Erase %(num)s comment made with ",
                                     "Erase %(num)s comments made with ", count) + f"{email}?",
                      abort=True)
    erasure = erase_commenter(email)
    click.echo(english_plural("Erased %(num)s comment made with ",
                              "Erased %(num)s comments made with ", erasure.total)
               + f"{email}: {erasure.removed} removed, {erasure.kept_as_deleted} kept as "
               "“[deleted]” because others replied to them.")


@click.command("rules")
@click.argument("site_key")
@click.option("--block", "block", multiple=True, help="Hold comments containing this word "
              "or phrase as spam (repeat for several).")
@click.option("--unblock", "unblock", multiple=True, help="Remove a blocked word.")
@click.option("--max-links", type=click.IntRange(min=0), help="Most links one comment may have.")
@click.option("--default-max-links", is_flag=True,
              help="Use the global WIDGET_MAX_LINKS again.")
def site_rules_command(site_key, block, unblock, max_links, default_max_links):
    """Show or change a site's spam rules: blocked words and links per comment."""
    site = db.session.scalar(select(Site).where(Site.key == site_key))
    if site is None:
        raise click.BadParameter(f"no site has the key {site_key}", param_hint="SITE_KEY")
    words = [word for word in site.blocked_words or [] if word not in unblock]
    words += [word.strip() for word in block if word.strip() and word.strip() not in words]
    site.blocked_words = words
    if max_links is not None:
        site.max_links = max_links
    if default_max_links:
        site.max_links = None
    db.session.commit()
    limit = "the default" if site.max_links is None else site.max_links
    click.echo(f"Blocked words: {', '.join(site.blocked_words) or '(none)'}")
    click.echo(f"Links per comment: {limit}")
