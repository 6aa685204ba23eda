"""Run the import without server-side prepared statements on PostgreSQL.

psycopg prepares a statement once it has run five times and keeps it for the life of the
connection. The import runs the same 1,000-row INSERT … RETURNING (some 18,000
parameters) a thousand times for a million comments; prepared, it costs the importing
process some 45 MB outside the Python heap (measured: a 100,000-comment import peaked at
200 MB prepared, 156 MB not; BENCHMARKS.md, "Memory flat in the file's size"). Each batch
is one round trip whose parsing is negligible beside its rows, so preparing gains nothing.
Only the import's own connection is changed, and only while it imports: the pool's other
uses keep psycopg's default.
"""

from contextlib import contextmanager

from ..extensions import db


@contextmanager
def unprepared_statements():
    """While inside: the session's connection sends its statements unprepared (psycopg's
    prepare_threshold None). A no-op for drivers without the setting (SQLite)."""
    driver = db.session.connection().connection.driver_connection
    if not hasattr(driver, "prepare_threshold"):
        yield
        return
    threshold = driver.prepare_threshold
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold  # before the connection goes back to the pool
