"""Our own JSON export (docs/export-format.md) → the common stream, parsed as it is read.

ijson walks the file event by event: a site's fields are gathered until its "threads"
start, then each thread is built whole (one thread at a time in memory, never the file).
"""

import re

import ijson
from flask_babel import lazy_gettext as _l
from ijson.common import ObjectBuilder

from ..models import Commenters, CommentStatus, ModerationMode
from .accounts_json import account_source_id, read_account
from .json_position import PositionedReader
from .progress import tracked
from .stream import (
    ImportedComment,
    ImportedLike,
    ImportedSite,
    ImportedThread,
    ImportRefused,
    Skipped,
    parse_iso_datetime,
)
from .words import counted_words, words

FORMAT_NAME = "widget-export"
FORMAT_VERSION = 1
SITE_FIELDS = ("key", "name", "moderation", "trusted_after", "commenters", "likes_enabled",
               "max_links", "created")
SITE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,32}$")  # older keys may hold - and _
THREAD = "sites.item.threads.item"
ACCOUNT = "sites.item.accounts.item"
MAX_TRUSTED_AFTER = 10_000
NOT_AN_OBJECT = words("it is not a JSON object")


def read_json(fileobj, *, on_progress=None, **_options):
    source = PositionedReader(tracked(fileobj, on_progress))
    events = ijson.parse(source)
    header, site_fields, origins, site_read = {}, {}, [], False
    try:
        for prefix, event, value in events:
            if prefix in ("format", "version"):
                header[prefix] = value
            elif prefix == "sites" and event == "start_array":
                _check_header(header)
            elif prefix == "sites.item" and event == "start_map":
                site_fields, origins, site_read = {}, [], False
            elif prefix.startswith("sites.item.") and prefix[11:] in SITE_FIELDS:
                site_fields[prefix[11:]] = value
            elif prefix == "sites.item.allowed_origins.item":
                origins.append(value)
            elif prefix == "sites.item.blocked_words.item" and isinstance(value, str):
                site_fields.setdefault("blocked_words", []).append(value)
            elif (prefix in ("sites.item.accounts", "sites.item.threads")
                  and event == "start_array" and not site_read):
                # The site's fields come first; its accounts (if any), then its threads.
                site_read = True
                yield _site(site_fields, origins)
            elif prefix == ACCOUNT and event == "start_map":
                yield read_account(_build_object(events, event), site_fields.get("key"))
            elif prefix == THREAD and event == "start_map":
                yield from _thread(_build_object(events, event), site_fields.get("key"))
    except ijson.JSONError as error:
        raise ImportRefused(_l("The file is not valid JSON (%(error)s); nothing was imported.",
                               error=source.describe(error))) from None
    if not header:
        raise ImportRefused(_l("This is not a widget export: it has no \"format\" field."))


def _check_header(header):
    if header.get("format") != FORMAT_NAME:
        raise ImportRefused(_l("This is not a widget export: \"format\" must be \"%(name)s\" "
                               "and come before \"sites\".", name=FORMAT_NAME))
    if header.get("version") != FORMAT_VERSION:
        raise ImportRefused(_l("This export has version %(found)s; this service reads "
                               "version %(version)s.", found=repr(header.get("version")),
                               version=FORMAT_VERSION))


def _build_object(events, first_event):
    """Build the map that starts with `first_event` from the following events."""
    builder = ObjectBuilder()
    builder.event(first_event, None)
    depth = 1
    for _prefix, event, value in events:
        builder.event(event, value)
        depth += event in ("start_map", "start_array")
        depth -= event in ("end_map", "end_array")
        if depth == 0:
            return builder.value
    raise ImportRefused(_l("The file ends in the middle of a thread; nothing was imported."))


def _site(fields, origins):
    key, name = fields.get("key"), fields.get("name")
    if not isinstance(key, str) or not SITE_KEY.match(key) or not isinstance(name, str):
        raise ImportRefused(_l("A site in the file has no valid \"key\" (1 to 32 letters, "
                               "digits, - or _) or \"name\"."))
    try:
        moderation = ModerationMode(fields.get("moderation", "none"))
    except ValueError:
        raise ImportRefused(_l("Site %(key)s has an unknown moderation mode.",
                                   key=key)) from None
    try:
        commenters = Commenters(fields.get("commenters", "anyone"))
    except ValueError:
        raise ImportRefused(_l("Site %(key)s has an unknown \"commenters\" value.",
                                   key=key)) from None
    trusted_after = fields.get("trusted_after")
    if type(trusted_after) is not int or not 0 <= trusted_after <= MAX_TRUSTED_AFTER:
        trusted_after = None
    return ImportedSite(key=key, name=name, allowed_origins=origins, moderation=moderation,
                        commenters=commenters, trusted_after=trusted_after,
                        likes_enabled=fields.get("likes_enabled") is not False,
                        blocked_words=fields.get("blocked_words", []),
                        max_links=fields["max_links"] if type(fields.get("max_links")) is int else None,
                        created=parse_iso_datetime(fields.get("created")))


def _thread(thread, site_key):
    """The thread and its comments; a comment with a bad field is skipped, with the reason."""
    if not isinstance(thread, dict):
        yield Skipped(words("a thread of site %(site)s", site=site_key), NOT_AN_OBJECT)
        return
    url = thread.get("url") if isinstance(thread.get("url"), str) else ""
    source_id = f"{site_key} {url}"
    yield ImportedThread(source_id, url, _string(thread.get("title")),
                         parse_iso_datetime(_string(thread.get("created"))))
    comments = thread.get("comments")
    for comment in comments if isinstance(comments, list) else ():
        yield from _comment(source_id, url, comment, site_key)


def _comment(thread_id, url, comment, site_key):
    if not isinstance(comment, dict):
        yield Skipped(words("a comment in %(url)s", url=url), NOT_AN_OBJECT)
        return
    what = words("comment %(id)s in %(url)s", id=comment.get("id"), url=url)
    try:
        status = CommentStatus(comment.get("status"))
    except ValueError:
        yield Skipped(what, words("unknown status %(status)s", status=repr(comment.get("status"))))
        return
    import_key = comment.get("import_key")
    if import_key is not None and (not isinstance(import_key, str) or len(import_key) > 100):
        yield Skipped(what, words("its import_key is not a string of at most 100 characters"))
        return
    if not isinstance(comment.get("text"), str) or not isinstance(comment.get("html"), str):
        yield Skipped(what, words("its text or html is missing"))
        return
    raw_likes = comment.get("likes")
    likes = [_like(like) for like in raw_likes] if isinstance(raw_likes, list) else []
    if None in likes:
        yield Skipped(words("likes of %(comment)s", comment=what), counted_words(
            "%(num)s like has no visitor_hash of at most 64 characters or no valid time",
            "%(num)s likes have no visitor_hash of at most 64 characters or no valid time",
            likes.count(None)))
    parent, reply_to = comment.get("parent"), comment.get("reply_to")
    account = comment.get("account")
    verified_via = comment.get("verified_via")
    yield ImportedComment(
        thread_source_id=thread_id,
        source_id=str(comment.get("id")),
        parent_source_id=str(parent) if parent is not None else None,
        import_key=import_key,
        author=_string(comment.get("author")),
        email=_string(comment.get("email")) or None,
        website=_string(comment.get("website")) or None,
        created=parse_iso_datetime(_string(comment.get("created"))),
        edited=parse_iso_datetime(_string(comment.get("edited"))),
        text=comment["text"],
        html=comment["html"],
        status=status,
        ip_hash=_hash(comment.get("ip_hash")),
        notify_replies=comment.get("notify_replies") is True,
        answers_parent=reply_to == parent,
        reply_to_source_id=str(reply_to) if reply_to is not None else None,
        spam_reason=_string(comment.get("spam_reason")) or None,
        likes=tuple(like for like in likes if like is not None),
        account_source_id=(account_source_id(site_key, account) if type(account) is int
                           else None),
        verified_via=(verified_via if isinstance(verified_via, str) and verified_via
                      and len(verified_via) <= 100 else None),
    )


def _like(like):
    """An ImportedLike, or None when the entry is malformed."""
    if not isinstance(like, dict):
        return None
    visitor_hash = _hash(like.get("visitor_hash"))
    created = parse_iso_datetime(_string(like.get("created")))
    if visitor_hash is None or created is None:
        return None
    return ImportedLike(visitor_hash, _hash(like.get("ip_hash")), created)


def _hash(value):
    """A stored hash (64 hex digits from this service), or None for anything else."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


def _string(value):
    return value if isinstance(value, str) else ""
