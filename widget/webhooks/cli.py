"""`flask --app wsgi webhooks …`: add, list and remove a site's webhooks, send the queue."""

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..clisites import command, site_or_fail
from .models import EVENTS, Webhook, WebhookDelivery, WebhookFormat
from .rules import WebhookRefused, create_webhook
from .sending import send_due

webhooks_cli = AppGroup("webhooks", help="Send a site's comment events to other services.")


def describe(webhook, secret=False):
    described = {"id": webhook.id, "site": webhook.site.key, "url": webhook.url,
                 "format": webhook.format.value, "events": webhook.events,
                 "created_at": webhook.created_at.isoformat(timespec="seconds") + "Z"}
    if secret:
        described["secret"] = webhook.secret
    return described


@webhooks_cli.command("add")
@click.argument("site_key")
@click.argument("url")
@click.option("--event", "events", multiple=True, type=click.Choice(EVENTS),
              help="An event to send (repeat for several; default: all of them).")
@click.option("--format", "format_name", default=WebhookFormat.GENERIC.value,
              type=click.Choice([choice.value for choice in WebhookFormat]),
              help="generic: the signed JSON; slack or discord: a chat message.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def add_command(site_key, url, events, format_name, as_json):
    """Send the events of the site SITE_KEY to URL; prints the signing secret, once."""
    site = site_or_fail(site_key)
    try:
        webhook = create_webhook(site, url, list(events or EVENTS), format_name)
    except WebhookRefused as refusal:
        db.session.rollback()
        raise click.ClickException(str(refusal)) from None
    db.session.commit()
    if as_json:
        click.echo(json.dumps(describe(webhook, secret=True)))
        return
    click.echo(f"Webhook {webhook.id} added: {webhook.format.value} to {webhook.url} "
               f"for {', '.join(webhook.events)}.")
    click.echo(f"Signing secret (shown only now): {webhook.secret}")


@webhooks_cli.command("list")
@click.option("--site", "site_key", help="Only this site's webhooks.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def list_command(site_key, as_json):
    """List webhooks (never their secrets)."""
    query = select(Webhook).order_by(Webhook.id)
    if site_key:
        site = site_or_fail(site_key)
        query = query.where(Webhook.site_id == site.id)
    webhooks = db.session.scalars(query).all()
    if as_json:
        click.echo(json.dumps([describe(webhook) for webhook in webhooks]))
        return
    if not webhooks:
        click.echo(f"No webhooks: add one with `{command('webhooks add SITE_KEY URL')}`.")
    for webhook in webhooks:
        click.echo(f"{webhook.id}\t{webhook.site.key}\t{webhook.format.value}\t{webhook.url}"
                   f"\t{','.join(webhook.events)}")


@webhooks_cli.command("remove")
@click.argument("webhook_id", type=int)
def remove_command(webhook_id):
    """Remove a webhook and its deliveries (see `webhooks list` for the id)."""
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None:
        raise click.ClickException(f"No webhook has the id {webhook_id}.")
    db.session.delete(webhook)
    db.session.commit()
    click.echo(f"Webhook {webhook_id} removed.")


@webhooks_cli.command("send-pending")
def send_pending_command():
    """Send every delivery that is due now (for cron, or when WEBHOOK_WORKER is off)."""
    totals = [0, 0, 0]
    while True:
        counts = send_due()
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        if not counts[0]:
            break
    delivered, to_retry, given_up = totals
    click.echo(f"Delivered {delivered}; {to_retry} will be retried; gave up on {given_up}.")
    failed = db.session.scalar(select(db.func.count(WebhookDelivery.id))
                               .where(WebhookDelivery.failed_at.is_not(None)))
    if failed:
        click.echo(f"{failed} deliveries were given up on in all: resend them from the "
                   "site's webhooks page in the dashboard.")
    if to_retry or given_up:
        raise SystemExit(1)


def init_app(app):
    app.cli.add_command(webhooks_cli)
