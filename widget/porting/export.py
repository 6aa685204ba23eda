"""Export sites with their threads and comments as JSON (docs/export-format.md).

Written as it is read, one thread at a time, in a fixed order (sites, threads and
comments by id) with ids local to each thread, so that exporting what an export
restored gives the same bytes. It includes emails, IP hashes and likes: it is the owner's data.
"""

import json
import textwrap
from collections import defaultdict
from itertools import groupby

from sqlalchemy import select

from ..extensions import db
from ..models import Comment, CommentLike, Thread
from .accounts_json import site_accounts
from .json_format import FORMAT_NAME, FORMAT_VERSION

COMMENT_COLUMNS = (Comment.id, Comment.thread_id, Comment.parent_id, Comment.reply_to_id,
                   Comment.import_key,
                   Comment.author, Comment.email, Comment.website, Comment.created_at,
                   Comment.edited_at, Comment.status, Comment.spam_reason, Comment.notify_replies,
                   Comment.ip_hash, Comment.account_id, Comment.verified_via, Comment.text,
                   Comment.html)


def write_export(out, sites):
    """Write the sites (in the order given) to the text stream `out`."""
    out.write(f'{{\n  "format": "{FORMAT_NAME}",\n  "version": {FORMAT_VERSION},\n  "sites": [')
    for number, site in enumerate(sites):
        out.write(",\n    {\n" if number else "\n    {\n")
        for name, value in _site_fields(site):
            out.write(f"      {json.dumps(name)}: {_dumps(value)},\n")
        accounts, account_ids = site_accounts(site, _time)
        out.write('      "accounts": ')
        out.write(textwrap.indent(json.dumps(accounts, indent=2, ensure_ascii=False),
                                  " " * 6).lstrip() + ",\n")
        out.write('      "threads": [')
        wrote_thread = False
        for thread in _threads(site, account_ids):
            out.write(",\n" if wrote_thread else "\n")
            out.write(textwrap.indent(json.dumps(thread, indent=2, ensure_ascii=False), " " * 8))
            wrote_thread = True
        out.write("\n      ]\n    }" if wrote_thread else "]\n    }")
    out.write("\n  ]\n}\n" if sites else "]\n}\n")


def _site_fields(site):
    return (("key", site.key), ("name", site.name), ("allowed_origins", site.allowed_origins),
            ("moderation", str(site.moderation)), ("trusted_after", site.trusted_after),
            ("commenters", str(site.commenters)), ("likes_enabled", site.likes_enabled),
            ("blocked_words", site.blocked_words), ("max_links", site.max_links),
            ("created", _time(site.created_at)))


def _threads(site, account_ids):
    """Each thread of the site as a dict with its comments, streamed from one query."""
    threads = db.session.execute(
        select(Thread.id, Thread.url, Thread.title, Thread.created_at)
        .where(Thread.site_id == site.id).order_by(Thread.id)).all()
    rows = db.session.execute(
        select(*COMMENT_COLUMNS).join(Thread).where(Thread.site_id == site.id)
        .order_by(Comment.thread_id, Comment.id).execution_options(yield_per=1000))
    comments_by_thread = groupby(rows, key=lambda row: row.thread_id)
    pending = next(comments_by_thread, None)
    for thread_id, url, title, created_at in threads:
        comments = []
        if pending is not None and pending[0] == thread_id:
            comments = list(pending[1])
            pending = next(comments_by_thread, None)
        yield {"url": url, "title": title, "created": _time(created_at),
               "comments": _comments(comments, _likes(thread_id) if comments else {},
                                     account_ids)}


def _likes(thread_id):
    """The thread's likes by comment id, oldest first (like_count is derived from them)."""
    rows = db.session.execute(
        select(CommentLike.comment_id, CommentLike.visitor_hash, CommentLike.ip_hash,
               CommentLike.created_at)
        .join(Comment).where(Comment.thread_id == thread_id).order_by(CommentLike.id))
    likes = defaultdict(list)
    for comment_id, visitor_hash, ip_hash, created_at in rows:
        likes[comment_id].append({"visitor_hash": visitor_hash, "ip_hash": ip_hash,
                                  "created": _time(created_at)})
    return likes


def _comments(rows, likes, account_ids):
    """The thread's comments with ids 1, 2, … in id order; parents by those ids, and
    accounts by the ids of the site's "accounts"."""
    local_ids = {row.id: number for number, row in enumerate(rows, start=1)}
    return [{
        "id": local_ids[row.id],
        "parent": local_ids.get(row.parent_id),
        "reply_to": local_ids.get(row.reply_to_id),
        "import_key": row.import_key,
        "author": row.author,
        "email": row.email,
        "website": row.website,
        "created": _time(row.created_at),
        "edited": _time(row.edited_at),
        "status": str(row.status),
        "spam_reason": row.spam_reason,
        "notify_replies": row.notify_replies,
        "ip_hash": row.ip_hash,
        "account": account_ids.get(row.account_id),
        "verified_via": row.verified_via,
        "likes": likes.get(row.id, []),
        "text": row.text,
        "html": row.html,
    } for row in rows]


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)


def _time(moment):
    """Naive UTC as ISO 8601 with a Z; microseconds only when there are some."""
    return moment.isoformat() + "Z" if moment is not None else None
