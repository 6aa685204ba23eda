"""Isso's SQLite database → the common stream.

Isso keeps threads by path ("/posts/hello/"), so paths are joined to a base URL: the
site's only allowed origin unless one is given. Its comment text is Markdown (rendered
by Isso at read time), its author, email and website are HTML-escaped when stored, and
its modes are 1 = published, 2 = awaiting moderation, 4 = deleted but kept for replies.
Isso renders text as Markdown that lets HTML through (its own Disqus migrator stores the
Disqus HTML), so it is rendered that way here too. Likes come over as counts: Isso keeps
its voters only as a Bloom filter of IP addresses, from which no voter can be recovered.
"""

import html
import shutil
import sqlite3
import tempfile
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from flask_babel import lazy_gettext as _l

from ..models import CommentStatus
from .stream import ImportedComment, ImportedThread, ImportRefused, Note
from .words import counted_words, words

STATUSES = {1: CommentStatus.APPROVED, 2: CommentStatus.PENDING, 4: CommentStatus.DELETED}
COMMENT_COLUMNS = ("tid, id, parent, created, modified, mode, remote_addr, text, author, email, "
                   "website, {likes}")


def read_isso(fileobj, *, site, base_url=None, on_progress=None, **_options):
    base_url = base_url or _only_origin(site)
    with _database_path(fileobj) as path, closing(_connect(path)) as database:
        try:
            threads = database.execute("SELECT id, uri, title FROM threads ORDER BY id").fetchall()
            total = database.execute("SELECT count(*) FROM comments").fetchone()[0]
            columns = COMMENT_COLUMNS.format(likes="likes" if _has_likes(database) else "0")
            rows = database.execute(f"SELECT {columns} FROM comments ORDER BY id")
        except sqlite3.DatabaseError as error:
            raise ImportRefused(_l("This is not an Isso database (%(error)s).",
                                   error=str(error))) from None
        for thread_id, uri, title in threads:
            yield ImportedThread(str(thread_id), urljoin(base_url + "/", uri or ""), title or "")
        liked = 0
        for done, row in enumerate(rows, start=1):
            comment = _comment(row)
            liked += comment.like_count > 0
            yield comment
            if on_progress:
                on_progress(done, total)
        if liked:
            yield Note(counted_words("likes of %(num)s comment", "likes of %(num)s comments",
                                     liked),
                       words("carried over as like counts; who liked them is not recoverable "
                             "(Isso keeps no list of voters)"))


def _has_likes(database):
    return any(column[1] == "likes" for column in database.execute("PRAGMA table_info(comments)"))


def _comment(row):
    (thread_id, comment_id, parent, created, modified, mode, remote_addr, text, author, email,
     website, likes) = row
    return ImportedComment(
        thread_source_id=str(thread_id),
        source_id=str(comment_id),
        parent_source_id=str(parent) if parent is not None else None,
        import_key=f"isso:{comment_id}",
        author=html.unescape(author or ""),
        email=html.unescape(email) if email else None,
        website=html.unescape(website) if website else None,
        created=_utc(created),
        text=text or "",
        html=None,  # Markdown that may hold HTML, rendered as Isso does
        markdown_with_html=True,
        status=STATUSES.get(mode, CommentStatus.PENDING),
        ip_address=remote_addr or None,  # Isso already anonymised it (last octet zeroed)
        edited=_utc(modified) if modified else None,
        like_count=max(int(likes or 0), 0),
    )


def _utc(timestamp):
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def _only_origin(site):
    if site is None or len(site.allowed_origins) != 1:
        raise ImportRefused(_l(
            "Isso keeps only the path of each article: say which origin the paths belong "
            "to with --base-url (this site has several allowed origins)."))
    return site.allowed_origins[0]


def _connect(path):
    """Open read-only: importing never changes the Isso database."""
    database = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        database.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as error:
        database.close()
        raise ImportRefused(_l("This is not an Isso database: %(error)s.",
                               error=str(error))) from None
    return database


@contextmanager
def _database_path(fileobj):
    """SQLite reads files by path: use the file's own, or copy an upload to a temporary one."""
    name = getattr(fileobj, "name", None)
    if isinstance(name, str) and Path(name).is_file():
        yield name
        return
    with tempfile.NamedTemporaryFile(suffix=".db") as copy:
        shutil.copyfileobj(fileobj, copy)
        copy.flush()
        yield copy.name
