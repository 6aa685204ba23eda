"""Configuration layers, the generated secret, and the schema made only by migrations."""

import os
import stat

import pytest

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from widget import create_app
from widget.extensions import db


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("WIDGET_SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path))
    second = create_app(instance_path=str(tmp_path))
    secret_file = tmp_path / "secret_key"
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key == secret_file.read_text().strip()
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600
    assert create_app(instance_path=str(tmp_path / "other")).secret_key != first.secret_key


def test_settings_come_from_prefixed_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WIDGET_SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("WIDGET_COMMENT_MAX_LENGTH", "500")
    monkeypatch.setenv("WIDGET_DATABASE_URL", "sqlite:////tmp/elsewhere.sqlite")
    app = create_app(instance_path=str(tmp_path))
    assert app.secret_key == "from-the-environment"
    assert app.config["COMMENT_MAX_LENGTH"] == 500
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////tmp/elsewhere.sqlite"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("WIDGET_DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/widget.sqlite"


def test_instance_config_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("WIDGET_COMMENT_MAX_LENGTH", raising=False)
    (tmp_path / "config.py").write_text("COMMENT_MAX_LENGTH = 42\nSECRET_KEY = 'file'\n")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["COMMENT_MAX_LENGTH"] == 42


def test_models_and_migrations_agree(app, runner):
    """The migrated schema is exactly what the models describe (and `db check` says so)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    assert runner.invoke(args=["db", "check"]).exit_code == 0


def test_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_synchronous_commit_reaches_every_postgresql_connection(pg_schema, tmp_path):
    """WIDGET_DATABASE_SYNCHRONOUS_COMMIT=off: through libpq's options, beside the
    statement time-out and whatever options the URL or connect_args already carry."""
    from sqlalchemy import text

    app = create_app({**pg_schema, "SECRET_KEY": "x" * 32, "DATABASE_SYNCHRONOUS_COMMIT": "off"},
                     instance_path=str(tmp_path))
    with app.app_context():
        connection = db.session.connection()
        assert connection.execute(text("SHOW synchronous_commit")).scalar() == "off"
        assert connection.execute(text("SHOW statement_timeout")).scalar() == "10s"
        schema = pg_schema["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["options"].split("=")[1]
        assert connection.execute(text("SHOW search_path")).scalar() == schema
        db.session.remove()
        db.engine.dispose()
    default = create_app({**pg_schema, "SECRET_KEY": "x" * 32}, instance_path=str(tmp_path))
    assert "synchronous_commit" not in str(default.config["SQLALCHEMY_ENGINE_OPTIONS"])


def test_synchronous_commit_is_checked_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("WIDGET_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    monkeypatch.setenv("WIDGET_SECRET_KEY", "x" * 32)
    monkeypatch.setenv("WIDGET_DATABASE_SYNCHRONOUS_COMMIT", "false")  # JSON: off
    options = create_app(instance_path=str(tmp_path)).config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "-csynchronous_commit=off" in options["connect_args"]["options"]
    monkeypatch.setenv("WIDGET_DATABASE_SYNCHRONOUS_COMMIT", "sometimes")
    with pytest.raises(ValueError, match="WIDGET_DATABASE_SYNCHRONOUS_COMMIT must be one of"):
        create_app(instance_path=str(tmp_path))
