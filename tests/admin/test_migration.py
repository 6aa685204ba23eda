"""The models and the migrations agree, and 0003_admin goes down and up again."""

from flask_migrate import check, downgrade, upgrade
from sqlalchemy import inspect

from widget.extensions import db


def test_models_and_migrations_agree(app):
    check()  # `flask db check`: exits with status 1 when autogenerate finds a difference


def test_the_admin_migration_downgrades_and_upgrades(app):
    db.session.remove()
    downgrade(revision="0002_commenter")
    assert "admin" not in inspect(db.engine).get_table_names()
    upgrade()
    tables = inspect(db.engine).get_table_names()
    assert {"admin", "admin_site", "ban", "audit_entry", "login_failure"} <= set(tables)
    columns = {column["name"] for column in inspect(db.engine).get_columns("site")}
    assert {"comments_open", "max_comment_length"} <= columns
