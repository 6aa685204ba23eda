"""`flask --app wsgi tokens …`: make, list and revoke API tokens (shown once, kept hashed)."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..models import Admin
from ..clisites import command, site_or_fail
from .models import ApiToken, TokenScope
from .tokens import TokenRefused, create_token, revoke_token

tokens_cli = AppGroup("tokens", help="API tokens for the admin API (/api/v1/admin).")


def describe(token):
    return {"id": token.id, "name": token.name, "hint": token.hint, "scope": token.scope.value,
            "admin": token.admin.email, "sites": [site.key for site in token.sites],
            "created_at": token.created_at.isoformat(timespec="seconds") + "Z",
            "last_used_at": (token.last_used_at.isoformat(timespec="seconds") + "Z"
                             if token.last_used_at else None),
            "revoked": token.revoked_at is not None}


@tokens_cli.command("create")
@click.argument("name")
@click.option("--admin", "admin_email", required=True,
              help="The admin the token acts as (audit entries name them).")
@click.option("--site", "site_keys", multiple=True, required=True,
              help="A site the token reaches (repeat for several).")
@click.option("--scope", type=click.Choice([scope.value for scope in TokenScope]),
              default=TokenScope.READ.value, show_default=True,
              help="read: the queue and the export; moderate: also approve, spam, delete, ban.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def create_command(name, admin_email, site_keys, scope, as_json):
    """Make a token called NAME; prints the token, once (only its hash is kept)."""
    admin = db.session.scalar(select(Admin).where(Admin.email == admin_email.strip().lower()))
    if admin is None:
        raise click.ClickException(f"No admin has the email {admin_email}.")
    sites = []
    for key in site_keys:
        sites.append(site_or_fail(key))
    try:
        token, secret = create_token(admin, name, scope, sites)
    except TokenRefused as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    if as_json:
        click.echo(json.dumps({**describe(token), "token": secret}))
        return
    click.echo(f"Token {token.id} ({token.scope.value}) made for "
               f"{', '.join(site.key for site in token.sites)}, acting as {admin.email}.")
    click.echo(f"Token (shown only now): {secret}")


@tokens_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def list_command(as_json):
    """List the tokens (never the tokens themselves: only their first characters)."""
    tokens = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    if as_json:
        click.echo(json.dumps([describe(token) for token in tokens]))
        return
    if not tokens:
        click.echo(f"No API tokens: make one with `{command('tokens create')}`.")
    for token in tokens:
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.id}\t{token.hint}…\t{token.scope.value}\t{state}\t{token.admin.email}"
                   f"\t{','.join(site.key for site in token.sites)}\t{token.name}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id):
    """Revoke a token at once (see `tokens list` for the id)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"No API token has the id {token_id}.")
    revoke_token(token)
    db.session.commit()
    click.echo(f"Token {token.id} ({token.name}) revoked.")


def init_app(app):
    app.cli.add_command(tokens_cli)
