"""Thread URLs in RFC 3986's normal form (percent-encoded UTF-8 paths, escapes in upper
case), so `/关于` and `/%E5%85%B3%E4%BA%8E` name one thread; threads that become one are
merged (comments moved, counts and versions recomputed).

Earlier URLs were already normalized in every other part (scheme, host in punycode,
port, sorted query), so only the path changes. The path rule is copied here rather than
imported from widget.urls: a migration must do the same thing however the app changes.

The downgrade changes nothing: merged threads cannot be told apart again, and the old
code reads normal-form URLs as well as any other.

Revision ID: 0013_thread_url_normal_form
Revises: 0012_api_tokens
"""
import re
from collections import defaultdict
from urllib.parse import quote, urlsplit, urlunsplit

import sqlalchemy as sa
from alembic import op

revision = "0013_thread_url_normal_form"
down_revision = "0012_api_tokens"
branch_labels = None
depends_on = None

PATH_SAFE = "-._~!$&'()*+,;=:@/"
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")

thread = sa.table("thread", sa.column("id"), sa.column("site_id"), sa.column("url"),
                  sa.column("title"), sa.column("version"), sa.column("approved_count"),
                  sa.column("closed"), sa.column("created_at"))
comment = sa.table("comment", sa.column("id"), sa.column("thread_id"),
                   sa.column("import_key"), sa.column("status"))


def normal_path(path):
    """widget.urls.normal_path as of this revision."""
    pieces = []
    position = 0
    for escape in ESCAPE.finditer(path):
        pieces.append(quote(path[position:escape.start()], safe=PATH_SAFE))
        character = chr(int(escape[1], 16))
        pieces.append(character if character in UNRESERVED else escape[0].upper())
        position = escape.end()
    pieces.append(quote(path[position:], safe=PATH_SAFE))
    return "".join(pieces)


def normal_url(url):
    parts = urlsplit(url)
    path = normal_path(parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def upgrade():
    connection = op.get_bind()
    groups = defaultdict(list)  # (site id, normal URL) -> its threads, oldest first
    for row in connection.execute(sa.select(thread).order_by(thread.c.id)):
        groups[(row.site_id, normal_url(row.url))].append(row)
    for (_site_id, url), threads in groups.items():
        if len(threads) > 1:
            _merge(connection, threads, url)
        elif threads[0].url != url:
            connection.execute(thread.update().where(thread.c.id == threads[0].id)
                               .values(url=url, version=thread.c.version + 1))


def _merge(connection, threads, url):
    """Keep the oldest thread; move the others' comments into it, then drop them."""
    keeper, others = threads[0], threads[1:]
    other_ids = [row.id for row in others]
    kept_keys = set(connection.scalars(sa.select(comment.c.import_key).where(
        comment.c.thread_id == keeper.id, comment.c.import_key.is_not(None))))
    # The same source comment imported into both forms of the URL: keep both comments
    # (a migration deletes nothing), but only one may hold the key (it is unique per thread).
    for comment_id, import_key in connection.execute(
            sa.select(comment.c.id, comment.c.import_key)
            .where(comment.c.thread_id.in_(other_ids), comment.c.import_key.is_not(None))
            .order_by(comment.c.id)):
        if import_key in kept_keys:
            connection.execute(comment.update().where(comment.c.id == comment_id)
                               .values(import_key=None))
        kept_keys.add(import_key)
    connection.execute(comment.update().where(comment.c.thread_id.in_(other_ids))
                       .values(thread_id=keeper.id))
    connection.execute(thread.delete().where(thread.c.id.in_(other_ids)))
    approved = connection.scalar(sa.select(sa.func.count()).select_from(comment).where(
        comment.c.thread_id == keeper.id, comment.c.status == "approved"))
    connection.execute(thread.update().where(thread.c.id == keeper.id).values(
        url=url,
        title=keeper.title or next((row.title for row in others if row.title), ""),
        # above every version a cached page of any of them was keyed by
        version=max(row.version for row in threads) + 1,
        approved_count=approved,
        closed=any(row.closed for row in threads),
        created_at=min(row.created_at for row in threads),
    ))


def downgrade():
    pass
