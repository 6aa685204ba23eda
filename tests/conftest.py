"""Fixtures: an app per test on a fresh database (SQLite, and PostgreSQL when configured)."""

import contextlib
import os
import re
import secrets
import shutil
import tempfile

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from widget import create_app
from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread
from widget.sites import create_site

PG_URL = os.environ.get("WIDGET_TEST_DATABASE_URL")
TEST_SECRET = "test-secret-" + "x" * 20
ARTICLE = "https://blog.example.com/posts/hello"
BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": TEST_SECRET,
    "SERVER_NAME": "comments.test",
    # Tests post fast and often from one address; the abuse tests turn these back on.
    "RATELIMIT_ENABLED": False,
    "COMMENT_MIN_SECONDS": 0,
}


def _migrated_app(config, instance_path):
    app = create_app({**BASE_CONFIG, **config}, instance_path=str(instance_path))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test also shows what the servers it ran wrote: any fixture value with a
    `server_logs()` method (tests/test_scale_out.py's gunicorn instances)."""
    report = yield
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            server_logs = getattr(value, "server_logs", None)
            if callable(server_logs):
                report.sections.append(("servers' output", server_logs()))
    return report


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Migrate once; each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.sqlite"
    _migrated_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}, folder)
    return path


@pytest.fixture(scope="session")
def pg_schema(tmp_path_factory):
    """A private schema for this test session, migrated once, dropped at the end."""
    if not PG_URL:
        pytest.skip("PostgreSQL tests need WIDGET_TEST_DATABASE_URL (see README: Tests)")
    schema = f"test_{os.getpid()}_{secrets.token_hex(4)}"
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    config = pg_config(schema)
    _migrated_app(config, tmp_path_factory.mktemp("pg"))
    yield config
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def pg_config(schema):
    return {
        "SQLALCHEMY_DATABASE_URI": PG_URL,
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "connect_args": {"options": f"-csearch_path={schema}"},
        },
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Database settings for one test; the test's rows are gone afterwards."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
        return
    config = request.getfixturevalue("pg_schema")
    empty = request.getfixturevalue("pg_emptier")
    yield config
    empty()


@pytest.fixture(scope="session")
def pg_emptier(pg_schema):
    """Empties the session's schema after each test, ids starting at 1 again: DELETE of
    every table and a RESTART of every sequence, in one statement on a kept connection.
    (TRUNCATE gives each table a new file: about 0.2 s a test over thirty-odd tables.)"""
    engine = create_engine(pg_schema["SQLALCHEMY_DATABASE_URI"], pool_pre_ping=True,
                           **pg_schema["SQLALCHEMY_ENGINE_OPTIONS"])
    with engine.connect() as connection:
        sequences = connection.scalars(text(
            "SELECT sequence_name FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema()")).all()
    statements = [f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables)]
    statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
    emptying = "; ".join(statements)

    def empty():
        with engine.begin() as connection:
            connection.exec_driver_sql(emptying)

    yield empty
    engine.dispose()


@pytest.fixture
def app_config():
    """Override in a test module (or parametrize) to change settings."""
    return {}


@pytest.fixture
def app(database, app_config, tmp_path):
    app = create_app({**BASE_CONFIG, **database, **app_config}, instance_path=str(tmp_path))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def site(app):
    return make_site()


def make_site(name="Blog", origins=("https://blog.example.com",), **fields):
    site = create_site(name, list(origins))
    for name_, value in fields.items():
        setattr(site, name_, value)
    db.session.commit()
    return site


def make_thread(site, url=ARTICLE, title="Hello"):
    thread = Thread(site_id=site.id, url=url, title=title)
    db.session.add(thread)
    db.session.commit()
    return thread


def make_comment(thread, text="A comment", parent=None, status=CommentStatus.APPROVED, **fields):
    from widget.markup import render_comment
    from widget.threads import bump_version

    comment = Comment(
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        author=fields.pop("author", "Ann"),
        text=text,
        html=render_comment(text),
        status=status,
        **fields,
    )
    db.session.add(comment)
    db.session.flush()
    bump_version(thread.id)  # as every write does: new version, comments counted again
    db.session.commit()
    return comment


def form_token(response_text, index=0):
    """The signed form token of the index-th comment form on a rendered page."""
    tokens = re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', response_text)
    return tokens[index]


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.statements = []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    return lambda: QueryCounter(db.engine)


class RoundTripCounter:
    """The round trips to PostgreSQL of every connection checked out meanwhile, read from
    libpq's own trace of the protocol: one per answer that ends with ReadyForQuery (a
    query, a BEGIN, a COMMIT, a ROLLBACK)."""

    def __init__(self, engine):
        self.engine = engine
        self.messages = []
        self._traced = {}  # the pool's record -> (its DBAPI connection, the trace file)

    def __enter__(self):
        event.listen(self.engine, "checkout", self._trace)
        event.listen(self.engine, "checkin", self._read)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "checkout", self._trace)
        event.remove(self.engine, "checkin", self._read)
        for record, (dbapi_connection, _) in list(self._traced.items()):
            self._read(dbapi_connection, record)  # still checked out: what it did so far

    def _trace(self, dbapi_connection, record, proxy):
        from psycopg.pq import Trace

        trace = tempfile.TemporaryFile("w+")
        self._traced[record] = (dbapi_connection, trace)
        dbapi_connection.pgconn.trace(trace.fileno())
        dbapi_connection.pgconn.set_trace_flags(Trace.SUPPRESS_TIMESTAMPS)

    def _read(self, dbapi_connection, record):
        _, trace = self._traced.pop(record, (None, None))
        if trace is not None:
            dbapi_connection.pgconn.untrace()
            trace.seek(0)
            self.messages += trace.read().splitlines()
            trace.close()

    @property
    def count(self):
        return sum(1 for message in self.messages if "\tReadyForQuery" in message)

    @property
    def sent(self):
        """What we asked, in order: each query's text, BEGIN, COMMIT…"""
        return [message.split("\t")[-1].strip()[:80] for message in self.messages
                if message.startswith("F\t") and ("\tQuery\t" in message or "\tParse\t" in message)]


@pytest.fixture
def count_round_trips(app):
    """RoundTripCounter on PostgreSQL; None on SQLite, which has no round trips."""
    if db.engine.dialect.name != "postgresql":
        return lambda: contextlib.nullcontext()
    return lambda: RoundTripCounter(db.engine)
