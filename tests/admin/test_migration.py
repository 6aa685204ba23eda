"""0006_admin goes down and up again (tests/test_config.py checks models and migrations agree)."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from widget.extensions import db


def test_the_admin_migration_downgrades_and_upgrades(app):
    db.session.remove()
    downgrade(revision="0005_site_language_css")
    assert "admin" not in inspect(db.engine).get_table_names()
    upgrade()
    tables = inspect(db.engine).get_table_names()
    assert {"admin", "admin_site", "ban", "audit_entry", "login_failure"} <= set(tables)
    columns = {column["name"] for column in inspect(db.engine).get_columns("site")}
    assert {"comments_open", "max_comment_length"} <= columns
