"""What every importer yields: sites, threads and comments in one common shape.

A reader turns its format into a stream of these items; writer.py stores any stream. A
comment names its thread and parent by the source's own ids, so a reply may come before
the comment it answers, and a comment before its thread.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..models import Commenters, CommentStatus, ModerationMode
from .words import words


class ImportRefused(Exception):
    """The file cannot be imported at all (unsafe, broken or of another format).

    Nothing is stored; the message says why, fit to show the site owner.
    """


@dataclass(slots=True)
class ImportedSite:
    """A site of our own JSON export; restored by its key."""

    key: str
    name: str
    allowed_origins: list[str]
    moderation: ModerationMode
    likes_enabled: bool = True
    blocked_words: list[str] = field(default_factory=list)
    max_links: int | None = None
    created: datetime | None = None
    commenters: Commenters = Commenters.ANYONE
    trusted_after: int | None = None  # None: the default


@dataclass(slots=True)
class ImportedAccount:
    """A commenter account of our own JSON export (accounts_json.py), before the
    threads of its site; comments name it by source_id."""

    source_id: str
    display_name: str
    website: str | None
    email: str | None
    email_verified: bool
    identities: tuple  # (provider, subject) pairs
    banned: datetime | None
    created: datetime | None


@dataclass(slots=True)
class ImportedThread:
    source_id: str
    url: str
    title: str = ""
    created: datetime | None = None  # naive UTC
    deleted: bool = False  # deleted in the source: its comments are skipped, not published


@dataclass(slots=True)
class ImportedComment:
    thread_source_id: str
    source_id: str  # unique within its thread in the source
    parent_source_id: str | None
    import_key: str | None  # "disqus:123": stored, so a re-run recognises it
    author: str
    email: str | None
    website: str | None
    created: datetime | None  # naive UTC; None: the source had no valid date (skipped)
    text: str  # as the old system stored it, kept in Comment.text
    html: str | None  # HTML to sanitize; None: `text` is Markdown (Isso, ours)
    status: CommentStatus
    ip_address: str | None = None  # hashed on the way in, never stored
    ip_hash: str | None = None  # already hashed (our own export)
    edited: datetime | None = None
    notify_replies: bool = False  # our own export: the author asked for reply emails
    # The comment answered is the parent, except (our own export) when a depth cap placed
    # the reply under another one: then it is reply_to_source_id (or none at all).
    answers_parent: bool = True
    reply_to_source_id: str | None = None
    spam_reason: str | None = None
    likes: tuple = ()  # our own export: ImportedLike for each like
    account_source_id: str | None = None  # our own export: the account that wrote it
    verified_via: str | None = None  # and how it was signed in
    # Isso: its Markdown may hold HTML, which Isso shows formatted (markup.py renders it so)
    markdown_with_html: bool = False
    like_count: int = 0  # likes whose voters are unknown (Isso keeps only a count)


@dataclass(slots=True)
class ImportedLike:
    visitor_hash: str  # keyed with the server's secret, like ip_hash
    ip_hash: str | None
    created: datetime


def naive_utc(moment):
    """Our timestamps are naive UTC: convert an aware datetime, keep a naive one."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def parse_iso_datetime(value):
    """An ISO 8601 time ("2013-10-10T19:20:29Z") as naive UTC, or None when absent or bad."""
    if not value or not value.strip():
        return None
    try:
        return naive_utc(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


@dataclass(slots=True)
class Skipped:
    """Something of the source left out (by a reader or the writer), and why: Words (see
    words.py), or a str already in the request's language."""

    what: object
    reason: object


@dataclass(slots=True)
class Note:
    """Something imported with a change the site owner should know of (report.notes)."""

    what: object
    reason: object


def comment_label(source_id, thread_source_id):
    """How the report names a comment of the file: by its id and its thread's."""
    return words("comment %(id)s (thread %(thread)s)", id=source_id, thread=thread_source_id)
