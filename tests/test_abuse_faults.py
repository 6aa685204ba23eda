"""Faults, for real: a database that goes away, refuses writes or comes back; a crash
half-way through a post. Readers get a clear 503 (commenters keep their text), never a
stack trace, and the service recovers by itself."""

import shutil
import socket
import threading
import time

import pytest
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from widget import create_app
from widget.extensions import db
from widget.models import Comment, Thread

from .abuse_helpers import JSON, comment_fields, fresh_token, post, thread_path
from .conftest import BASE_CONFIG, PG_URL, form_token, make_comment, make_site, make_thread


def assert_clean_503(response):
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "psycopg", "sqlite3", "SELECT", "OperationalError", "sqlalche"):
        assert leak not in body
    assert int(response.headers["Retry-After"]) > 0
    return body


def assert_form_kept(body, text, name):
    assert "Comment not saved yet" in body
    assert "still in the form below" in body
    assert text in body and f'value="{name}"' in body
    assert 'name="csrf_token"' in body  # a fresh token: pressing "Post comment" works


# --- PostgreSQL going away and coming back, through a proxy the test controls --------------

class TcpProxy:
    """Forwards 127.0.0.1:PORT to a target; stop() drops every connection and the port."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = None
        self.connections = []
        self.lock = threading.Lock()
        self.start()

    def start(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port or 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(32)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                connection.close()
            self.connections.clear()


@pytest.fixture
def pg_database(pg_schema):
    """The session's PostgreSQL schema, emptied after the test (as conftest's `database`)."""
    yield pg_schema
    options = pg_schema["SQLALCHEMY_ENGINE_OPTIONS"]
    engine = create_engine(pg_schema["SQLALCHEMY_DATABASE_URI"],
                           connect_args=options["connect_args"])
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def pg_via_proxy(tmp_path):
    if not PG_URL:
        pytest.skip("PostgreSQL fault tests need WIDGET_TEST_DATABASE_URL (see README: Tests)")
    url = make_url(PG_URL)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy, url.set(host="127.0.0.1", port=proxy.port)
    proxy.stop()


def pg_app(url, schema_config, tmp_path, **extra):
    options = schema_config["SQLALCHEMY_ENGINE_OPTIONS"]
    config = {**BASE_CONFIG, **schema_config, **extra,
              "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
              "SQLALCHEMY_ENGINE_OPTIONS": {**options, "connect_args": {
                  **options["connect_args"], "connect_timeout": 3,
                  **extra.pop("connect_args", {})}}}
    return create_app(config, instance_path=str(tmp_path))


def test_postgresql_down_is_a_503_that_keeps_the_comment_and_recovers(
        pg_database, pg_via_proxy, tmp_path, caplog):
    proxy, url = pg_via_proxy
    app = pg_app(url, pg_database, tmp_path)
    with app.app_context():
        site = make_site()
        thread = make_thread(site)
        make_comment(thread, "Before the outage")
        site_key = site.key  # the test's own session cannot reload it during the outage
        client = app.test_client()
        token = fresh_token(client, site_key)
        assert "Before the outage" in client.get(thread_path(site_key)).text

        proxy.stop()  # the database server goes away, connections and all
        page = client.get(thread_path(site_key))
        body = assert_clean_503(page)
        assert "temporarily unavailable" in body
        assert page.headers["X-Request-Id"] in body  # the reference to quote
        assert f"[request {page.headers['X-Request-Id']}]" in caplog.text

        posted = post(client, site_key, comment_fields(token, "Typed during the outage",
                                                        name="Patient Pat"))
        body = assert_clean_503(posted)
        assert_form_kept(body, "Typed during the outage", "Patient Pat")
        retry_token = form_token(body)
        as_json = post(client, site_key, comment_fields(token, "json"), headers=JSON)
        # a post: nothing was saved, and the script keeps the text in its form
        assert as_json.status_code == 503 and "could not be saved" in as_json.json["message"]

        proxy.start()  # back on the same port: no restart of the app
        assert client.get(thread_path(site_key)).status_code == 200
        again = post(client, site_key, comment_fields(retry_token, "Typed during the outage",
                                                       name="Patient Pat"))
        assert again.status_code == 303
        texts = db.session.scalars(select(Comment.text).order_by(Comment.id)).all()
        assert texts == ["Before the outage", "Typed during the outage"]
        db.session.remove()
        db.engine.dispose()


def test_postgresql_at_a_closed_port_is_a_503(pg_database, tmp_path):
    url = make_url(PG_URL).set(host="127.0.0.1", port=9)  # nothing listens on discard
    app = pg_app(url, pg_database, tmp_path)
    with app.app_context():
        client = app.test_client()
        assert_clean_503(client.get(thread_path("anysite")))
        response = client.post(thread_path("anysite"),
                               data=comment_fields("stale-token", "Lost? No.", name="Kim"))
        assert_form_kept(assert_clean_503(response), "Lost? No.", "Kim")
        db.engine.dispose()


def test_read_only_postgresql_refuses_posts_with_a_503_and_serves_readers(pg_database, tmp_path):
    pg_schema = pg_database
    writable = create_app({**BASE_CONFIG, **pg_schema}, instance_path=str(tmp_path / "rw"))
    with writable.app_context():
        site_key = make_site().key
        db.session.remove()
        db.engine.dispose()
    options = pg_schema["SQLALCHEMY_ENGINE_OPTIONS"]
    read_only = {**pg_schema, "SQLALCHEMY_ENGINE_OPTIONS": {**options, "connect_args": {
        "options": options["connect_args"]["options"] + " -cdefault_transaction_read_only=on"}}}
    app = create_app({**BASE_CONFIG, **read_only}, instance_path=str(tmp_path / "ro"))
    with app.app_context():
        client = app.test_client()
        assert client.get(thread_path(site_key)).status_code == 200
        response = post(client, site_key, comment_fields(fresh_token(client, site_key),
                                                         "On a replica", name="Rae"))
        assert_form_kept(assert_clean_503(response), "On a replica", "Rae")
        db.session.remove()
        db.engine.dispose()
    with writable.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0
        db.session.remove()
        db.engine.dispose()


# --- SQLite: read-only, and a database file that disappears -------------------------------

def sqlite_app(uri, tmp_path):
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": uri},
                      instance_path=str(tmp_path / "instance"))


def test_read_only_sqlite_serves_readers_and_keeps_the_commenters_text(sqlite_template, tmp_path):
    path = tmp_path / "ro.sqlite"
    shutil.copy(sqlite_template, path)
    writable = sqlite_app(f"sqlite:///{path}", tmp_path)
    with writable.app_context():
        site_key = make_site().key
        db.engine.dispose()
    app = sqlite_app(f"sqlite:///file:{path}?mode=ro&uri=true", tmp_path)
    with app.app_context():
        client = app.test_client()
        assert client.get(thread_path(site_key)).status_code == 200
        response = post(client, site_key, comment_fields(fresh_token(client, site_key),
                                                         "Read-only day", name="Ro"))
        assert_form_kept(assert_clean_503(response), "Read-only day", "Ro")
        db.engine.dispose()
    with writable.app_context():
        assert db.session.scalar(select(func.count(Comment.id))) == 0
        db.engine.dispose()


def test_a_vanished_sqlite_database_is_a_503_until_it_is_back(sqlite_template, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "widget.sqlite"
    shutil.copy(sqlite_template, path)
    app = sqlite_app(f"sqlite:///{path}", tmp_path)
    with app.app_context():
        site_key = make_site().key
        client = app.test_client()
        token = fresh_token(client, site_key)
        db.session.remove()
        db.engine.dispose()  # no connection kept open to the old file
        shutil.move(folder, tmp_path / "elsewhere")  # e.g. a volume unmounted
        assert_clean_503(client.get(thread_path(site_key)))
        body = assert_clean_503(post(client, site_key, comment_fields(token, "Still here",
                                                                       name="Vi")))
        assert_form_kept(body, "Still here", "Vi")
        shutil.move(tmp_path / "elsewhere", folder)
        assert client.get(thread_path(site_key)).status_code == 200
        assert post(client, site_key, comment_fields(form_token(body), "Still here",
                                                     name="Vi")).status_code == 303
        db.session.remove()
        db.engine.dispose()


# --- a crash between insert and commit -----------------------------------------------------

class CrashAfterInsert(Exception):
    pass


@pytest.fixture
def crash_after_comment_insert():
    def crash(session, flush_context):
        # after_flush: the INSERT has run; session.new still lists what it inserted.
        if any(isinstance(obj, Comment) for obj in session.new):
            raise CrashAfterInsert("the process died half-way")

    event.listen(Session, "after_flush", crash)
    yield
    event.remove(Session, "after_flush", crash)


@pytest.mark.parametrize("existing_thread", [False, True])
def test_a_crash_mid_post_leaves_no_half_written_comment(
        client, site, crash_after_comment_insert, existing_thread, caplog):
    if existing_thread:
        make_thread(site)
    version_before = db.session.scalar(select(Thread.version))
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "Half-written?"))
    assert response.status_code == 500
    body = response.text
    assert "Traceback" not in body and "CrashAfterInsert" not in body
    assert response.headers["X-Request-Id"] in body
    assert "Unhandled error on POST" in caplog.text
    assert f"[request {response.headers['X-Request-Id']}]" in caplog.text
    assert "CrashAfterInsert" in caplog.text  # the operator sees the cause
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert db.session.scalar(select(Thread.version)) == version_before
    assert db.session.scalar(select(func.count(Thread.id))) == (1 if existing_thread else 0)


# --- PostgreSQL slow, or its pooled connections gone --------------------------------------

def test_a_connection_lost_in_the_pool_is_retried_without_pre_ping(
        pg_database, pg_via_proxy, tmp_path, caplog):
    proxy, url = pg_via_proxy
    app = pg_app(url, pg_database, tmp_path)
    assert not app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("pool_pre_ping")
    with app.app_context():
        site_key = make_site().key
        db.session.remove()
    client = app.test_client()
    token = fresh_token(client, site_key)  # the pool now holds a connection
    proxy.stop()  # PostgreSQL restarted: every pooled connection is dead...
    proxy.start()  # ...and the server is back
    assert client.get(thread_path(site_key)).status_code == 200  # no 503: retried once
    assert "Database connection lost while pooled" in caplog.text
    proxy.stop()
    proxy.start()
    assert post(client, site_key, comment_fields(token, "After a restart")).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Comment.text)).all() == ["After a restart"]
        db.session.remove()
        db.engine.dispose()


def test_a_locked_table_is_a_503_within_the_statement_timeout(pg_database, tmp_path):
    app = create_app({**BASE_CONFIG, **pg_database, "DATABASE_STATEMENT_TIMEOUT": 0.5},
                     instance_path=str(tmp_path))
    with app.app_context():
        site_key = make_site().key
        db.session.remove()
    client = app.test_client()
    token = fresh_token(client, site_key)
    options = pg_database["SQLALCHEMY_ENGINE_OPTIONS"]
    locker = create_engine(PG_URL, connect_args=options["connect_args"])
    with locker.connect() as connection:
        # Released by the server after 4 s, so that without a time-out the test ends too.
        connection.execute(text("SET idle_in_transaction_session_timeout = '4s'"))
        connection.execute(text("LOCK TABLE site IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        response = post(client, site_key, comment_fields(token, "Locked out", name="Lou"))
        elapsed = time.monotonic() - started
        assert_form_kept(assert_clean_503(response), "Locked out", "Lou")
        assert elapsed < 2.0, elapsed
        page = client.get(thread_path(site_key))
        assert_clean_503(page)
        connection.rollback()
    locker.dispose()
    assert post(client, site_key, comment_fields(token, "Locked out", name="Lou")
                ).status_code == 303
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_connection_that_dies_before_the_request_ends_is_no_500(
        pg_database, pg_via_proxy, tmp_path):
    """Found by the soak: PostgreSQL restarted after a page was made, before the request
    ended; the session's final rollback failed and the finished page became a 500."""
    proxy, url = pg_via_proxy
    app = pg_app(url, pg_database, tmp_path)
    with app.test_request_context():
        db.session.execute(text("SELECT 1"))  # the request's connection, in a transaction
        proxy.stop()
    # leaving the context ran the teardown: no exception
    proxy.start()
    with app.app_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.session.remove()
        db.engine.dispose()
