"""`flask --app wsgi admins …`: create dashboard accounts, list them, reset a password."""

import sys

import click
from flask.cli import AppGroup

from ..clisites import command
from .accounts import AccountError, all_admins, create_admin, set_password

admins_cli = AppGroup("admins", help="Create and list the admins of the /admin dashboard.")


def _read_password(from_stdin):
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.UsageError("No password on standard input.")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@admins_cli.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input instead of "
                   "asking for it.")
@click.option("--site", "site_keys", multiple=True, metavar="KEY",
              help="Make a moderator of this site only (repeat for several). "
                   "Without --site the admin is a superadmin of every site.")
def create_admin_command(email, password_stdin, site_keys):
    """Create a dashboard admin who signs in with EMAIL."""
    password = _read_password(password_stdin)
    try:
        admin = create_admin(email, password, site_keys)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    if admin.is_superadmin:
        click.echo(f"Superadmin {admin.email} created: they can manage every site.")
    else:
        names = ", ".join(f"{site.name} ({site.key})" for site in admin.sites)
        click.echo(f"Moderator {admin.email} created for: {names}.")
    click.echo("Sign in at /admin/login.")


@admins_cli.command("password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from the first line of standard input.")
def set_password_command(email, password_stdin):
    """Set a new password for EMAIL (this signs out their open sessions)."""
    password = _read_password(password_stdin)
    try:
        admin = set_password(email, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Password of {admin.email} changed.")


@admins_cli.command("list")
def list_admins_command():
    """List admins and the sites they moderate."""
    admins = all_admins()
    if not admins:
        click.echo(f"No admins yet: create one with `{command('admins create EMAIL')}`.")
    for admin in admins:
        role = "superadmin" if admin.is_superadmin else \
            "moderator of " + ", ".join(site.key for site in admin.sites)
        click.echo(f"{admin.email}\t{role}")
