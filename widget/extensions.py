"""Extensions created once, unbound; create_app attaches them to each app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from .clients import network_key

# Named constraints keep Alembic migrations reviewable and reversible.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
csrf = CSRFProtect()
# Limits are declared in ratelimit.py and configured from app.config (RATELIMIT_*).
limiter = Limiter(network_key)
babel = Babel()  # bound with its locale selector by i18n.init_app


@event.listens_for(Engine, "connect")
def _tune_sqlite(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, let readers and a writer overlap, wait on locks.

    synchronous=NORMAL is SQLite's advice for WAL: a commit no longer waits for the disk,
    and the database stays consistent; a power cut (not a crash of the app) may lose the
    last transactions. Deployments that cannot accept that use PostgreSQL."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
