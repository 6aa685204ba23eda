"""A database connection lost while it sat in the pool (PostgreSQL restarted, a proxy's idle
time-out) costs no request: the first statement of a transaction that fails because its
connection is gone is run once more, on a fresh connection.

Only the first statement is retried: nothing was done in that transaction yet, so running
it again is exactly what the request asked for. A connection lost later in a transaction
is an error as before (a 503 page that keeps the commenter's text). This replaces
pool_pre_ping, which costs a round trip on every checkout, with nothing on the good path.
"""

import logging

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)
IN_USE = "widget.connection_in_use"


def on_own_connection(work, begin=False):
    """work(connection) on a connection of its own, outside the ORM session: in a
    transaction that commits when `begin`, else outside any transaction (see
    _read_connection); run once more on a fresh connection when the pooled one turns out
    to be dead before anything was done."""
    for attempt in (1, 2):
        try:
            with (db.engine.begin() if begin else _read_connection()) as connection:
                return work(connection)
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
            _log_retry(error)


def _read_connection():
    """A connection for reads alone. On PostgreSQL in autocommit mode: a transaction
    would cost a BEGIN and a ROLLBACK, two round trips more than the read itself.
    SQLite's driver begins no transaction before a read anyway, and switching the mode
    there costs more than it saves."""
    connection = db.engine.connect()
    if connection.dialect.name != "sqlite":
        connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def init_app(app):
    """Listen on every ORM session (once per process, whatever the number of apps), and
    end each request's session without raising (after db.init_app: teardowns run in
    reverse order, so this one comes first)."""
    app.teardown_appcontext(_remove_session)
    for name, listener in (("after_begin", _connection_in_use),
                           ("after_transaction_end", _connection_released),
                           ("do_orm_execute", _retry_first_statement_on_a_lost_connection)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _remove_session(exception=None):
    """The connection may have died after the response was made (a database restart):
    its rollback then fails, and that must not turn a finished request into a 500."""
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("Database connection lost at the end of a request (%s)",
                    type(error.orig or error).__name__)
        db.session.registry.clear()


def _connection_in_use(session, transaction, connection):
    session.info[IN_USE] = True


def _connection_released(session, transaction):
    if transaction.parent is None:
        session.info.pop(IN_USE, None)


def _retry_first_statement_on_a_lost_connection(orm_execute_state):
    session = orm_execute_state.session
    if session.info.get(IN_USE):
        return None  # not the transaction's first statement: run it as usual
    try:
        return orm_execute_state.invoke_statement()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        _log_retry(error)
        session.rollback()
        return orm_execute_state.invoke_statement()


def _log_retry(error):
    log.warning("Database connection lost while pooled (%s); retrying on a new one",
                type(error.orig or error).__name__)
