"""Every migration keeps what is stored: a database made before this release (0008) with
a site, a thread, a comment, a reply and a like comes through the upgrade to the newest
revision and back whole. On SQLite, "batch" changes copy a table and drop the old one; with
foreign keys enforced that drop once deleted a site's threads and comments and cut replies
from their parents (migrations/env.py now turns them off for the migration)."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from widget.extensions import db

BEFORE_ACCOUNTS = "0008_thread_approved_count"
ROWS = {
    "site": "(id, key, name, allowed_origins, moderation, likes_enabled, custom_css, "
            "comments_open, created_at, blocked_words) VALUES "
            "(1, 'k', 'Blog', '[]', 'none', true, '', true, '2026-01-01', '[]')",
    "thread": "(id, site_id, url, title, version, approved_count, closed, created_at) VALUES "
              "(1, 1, 'https://blog.example.com/a', 'A', 1, 2, false, '2026-01-01')",
    "comment": "(id, thread_id, parent_id, author, text, html, status, created_at, like_count, "
               "notify_replies) VALUES "
               "(1, 1, NULL, 'Ann', 'x', '<p>x</p>', 'approved', '2026-01-01', 1, false), "
               "(2, 1, 1, 'Bob', 'y', '<p>y</p>', 'approved', '2026-01-01', 0, false)",
    "comment_like": "(id, comment_id, visitor_hash, created_at) VALUES (1, 1, 'v', '2026-01-01')",
}


def stored():
    with db.engine.connect() as connection:
        return {
            "sites": connection.execute(text("SELECT id, name FROM site")).all(),
            "threads": connection.execute(text("SELECT id, site_id FROM thread")).all(),
            "comments": connection.execute(
                text("SELECT id, thread_id, parent_id FROM comment ORDER BY id")).all(),
            "likes": connection.execute(text("SELECT comment_id FROM comment_like")).all(),
        }


def test_upgrading_and_downgrading_keep_every_row_and_link(app):
    db.session.remove()
    downgrade(revision=BEFORE_ACCOUNTS)
    with db.engine.begin() as connection:
        for table in ("comment_like", "comment", "thread", "site"):
            connection.execute(text(f"DELETE FROM {table}"))
        for table, values in ROWS.items():
            connection.execute(text(f"INSERT INTO {table} {values}"))
    before = stored()
    assert before["comments"] == [(1, 1, None), (2, 1, 1)]
    upgrade()
    assert stored() == before
    downgrade(revision=BEFORE_ACCOUNTS)
    assert stored() == before
    upgrade()
    assert stored() == before
