"""0011_webhooks goes down and up again (tests/test_config.py checks that models and
migrations agree)."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from widget.extensions import db

TABLES = {"webhook", "webhook_delivery", "webhook_attempt"}


def test_the_webhooks_migration_downgrades_and_upgrades(app):
    db.session.remove()
    downgrade(revision="0011_webhooks-1")  # whatever it follows once merged
    assert not TABLES & set(inspect(db.engine).get_table_names())
    upgrade()
    assert TABLES <= set(inspect(db.engine).get_table_names())
    indexes = {index["name"] for index in inspect(db.engine).get_indexes("webhook_delivery")}
    assert {"ix_webhook_delivery_due", "ix_webhook_delivery_webhook_id_id"} <= indexes
