"""Command line: `flask --app wsgi import disqus|wordpress|isso|json FILE`, `export`."""

import os
import sys
from contextlib import contextmanager

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import Site
from ..threads import find_site
from .export import write_export
from .service import run_import
from .stream import ImportRefused

import_cli = AppGroup("import", help="Import comments from Disqus, WordPress, Isso or a JSON export.")

FILE = click.argument("file", type=click.File("rb"))
SITE = click.option("--site", "site_key", required=True, metavar="KEY",
                    help="The key of the site to import into (see `sites list`).")
JOBS = click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
                    show_default=True,
                    help="Processes that sanitize comments (1: none besides this one).")


@import_cli.command("disqus")
@FILE
@SITE
@JOBS
def import_disqus(file, site_key, jobs):
    """Import a Disqus XML export (Disqus admin → Community → Export)."""
    _import("disqus", file, site_key, workers=jobs)


@import_cli.command("wordpress")
@FILE
@SITE
@JOBS
def import_wordpress(file, site_key, jobs):
    """Import a WordPress WXR export (Tools → Export → All content or Posts)."""
    _import("wordpress", file, site_key, workers=jobs)


@import_cli.command("isso")
@FILE
@SITE
@JOBS
@click.option("--base-url", metavar="URL",
              help="The origin Isso's paths belong to (default: the site's only origin).")
def import_isso(file, site_key, jobs, base_url):
    """Import Isso's SQLite database file (read-only)."""
    _import("isso", file, site_key, workers=jobs, base_url=base_url)


@import_cli.command("json")
@FILE
@click.option("--site", "site_key", metavar="KEY",
              help="Put everything into this site (default: the file's sites, by key, "
                   "made when missing).")
@JOBS
def import_json(file, site_key, jobs):
    """Restore a JSON export made by `export`."""
    _import("json", file, site_key, workers=jobs)


@click.command("export")
@click.option("--site", "site_keys", multiple=True, metavar="KEY",
              help="A site to export (repeat for several; default: every site).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8", atomic=True), default="-",
              help="The file to write (default: standard output).")
def export_command(site_keys, output):
    """Export sites, threads and comments (with emails) as JSON."""
    sites = [_site(key) for key in site_keys] or db.session.scalars(select(Site).order_by(Site.id)).all()
    write_export(output, sites)


def _import(format_name, file, site_key, **options):
    site = _site(site_key) if site_key else None
    with _progress_bar() as on_progress:
        try:
            report = run_import(format_name, file, site, on_progress=on_progress, **options)
        except ImportRefused as error:
            raise click.ClickException(str(error)) from None
    _print_report(report)


def _site(key):
    site = find_site(key)
    if site is None:
        raise click.BadParameter(f"No site has the key “{key}” (see `sites list`).",
                                 param_hint="--site")
    return site


@contextmanager
def _progress_bar():
    """A progress bar on a terminal; nothing when the output goes to a file or pipe."""
    if not sys.stdout.isatty():
        yield None
        return
    bar = None

    def on_progress(done, total):
        nonlocal bar
        if bar is None and total:
            bar = click.progressbar(length=total, label="Importing").__enter__()
        if bar is not None:
            bar.update(done - bar.pos)

    try:
        yield on_progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _print_report(report):
    for line in report.summary_lines():
        click.echo(line)
    _print_list(f"Skipped {len(report.skipped)}", report.skipped)
    _print_list(f"Notes ({len(report.notes)})", report.notes)


def _print_list(heading, entries):
    if entries:
        click.echo(f"{heading}:")
        for entry in entries:
            click.echo(f"  - {entry.what}: {entry.reason}")


def init_app(app):
    app.cli.add_command(import_cli)
    app.cli.add_command(export_command)
