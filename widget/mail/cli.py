"""`flask --app wsgi mail …`: send the outbox by hand or from cron, and see its state."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import OutboxMessage, utcnow
from .outbox import send_due

mail_cli = AppGroup("mail", help="Send queued email and inspect the outbox.")


@mail_cli.command("send-pending")
@click.option("--retry-failed", is_flag=True,
              help="Also try again the messages that were given up on.")
def send_pending_command(retry_failed):
    """Send every message that is due now (for cron, or when MAIL_WORKER is off)."""
    if retry_failed:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
                           .values(failed_at=None, attempts=0, next_attempt_at=utcnow()))
        db.session.commit()
    totals = [0, 0, 0]
    while True:
        counts = send_due()
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        if not counts[0]:
            break
    sent, to_retry, given_up = totals
    click.echo(f"Sent {sent}; {to_retry} will be retried; gave up on {given_up}.")
    if to_retry or given_up:
        raise SystemExit(1)


@mail_cli.command("status")
def status_command():
    """Count queued, sent and failed messages, and show the last errors."""
    queued = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)))
    sent = db.session.scalar(select(func.count(OutboxMessage.id))
                             .where(OutboxMessage.sent_at.is_not(None)))
    failed = db.session.scalars(select(OutboxMessage)
                                .where(OutboxMessage.failed_at.is_not(None))).all()
    click.echo(f"Queued: {queued}; sent: {sent}; failed: {len(failed)}.")
    for message in failed:
        click.echo(f"  #{message.id} to {message.recipient}: {message.last_error}")


def init_app(app):
    app.cli.add_command(mail_cli)
