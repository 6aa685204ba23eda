"""WordPress WXR export → the common stream: one thread per <item>, its <wp:comment>s inside.

WXR versions differ in the wp namespace (export/1.0 … 1.2), so children are matched by
local name. Dates are read from comment_date_gmt, falling back to the local
comment_date (taken as UTC) when WordPress left the GMT one empty or zero; an item with
no date at all takes its earliest comment's, so a thread never starts after its comments.

What is not a reader's comment stays out: pingbacks, trackbacks and WordPress 6.9's
private editorial notes (comment_type "note") are skipped and reported. Comments on a
password-protected post were never public: they come in pending, for the owner to judge.
"""

from ..models import CommentStatus
from .opening import stray_prefix_note, without_stray_prefix
from .progress import tracked
from .safexml import complete_elements, local_name
from .stream import (
    ImportedComment,
    ImportedThread,
    Note,
    Skipped,
    comment_label,
    parse_iso_datetime,
)
from .words import counted_words, words

STATUSES = {
    "1": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,
}
COMMENT_TYPES = {"", "comment"}  # anything else (pingback, trackback, note) is not one
NOT_COMMENTS = {
    "note": words("a private editorial note (WordPress 6.9), never shown to readers"),
    "pingback": words("a pingback (another site's link to the post), not a comment"),
    "trackback": words("a trackback (another site's link to the post), not a comment"),
}


def read_wordpress(fileobj, *, on_progress=None, **_options):
    stream, stray = without_stray_prefix(tracked(fileobj, on_progress))
    if stray:
        yield Note(*stray_prefix_note(stray))
    elements = complete_elements(stream, 2, "rss", "WordPress (WXR)")
    for number, item in enumerate(
        (element for element in elements if local_name(element.tag) == "item"), start=1
    ):
        yield from _item(number, item)


def _item(number, item):
    fields = _child_texts(item)
    thread_id = fields.get("post_id") or f"item-{number}"
    protected = bool(fields.get("post_password"))
    comments = [_comment(thread_id, _child_texts(child), protected)
                for child in item if local_name(child.tag) == "comment"]
    comment_dates = [comment.created for comment in comments
                     if isinstance(comment, ImportedComment) and comment.created]
    yield ImportedThread(
        source_id=thread_id,
        url=fields.get("link", ""),
        title=fields.get("title", ""),
        created=_date(fields, "post_date") or min(comment_dates, default=None),
    )
    yield from comments
    pending = sum(isinstance(comment, ImportedComment) and comment.status == CommentStatus.PENDING
                  for comment in comments)
    if protected and pending:
        yield Note(words("thread %(id)s (%(url)s)", id=thread_id, url=fields.get("link", "")),
                   counted_words(
                       "the post is password-protected: its %(num)s comment was imported as "
                       "pending, for you to approve or not",
                       "the post is password-protected: its %(num)s comments were imported as "
                       "pending, for you to approve or not", pending))


def _comment(thread_id, fields, protected):
    comment_id = fields.get("comment_id", "")
    comment_type = fields.get("comment_type", "")
    if comment_type not in COMMENT_TYPES:
        why = NOT_COMMENTS.get(comment_type) or words("of type %(type)s, not a comment",
                                                      type=repr(comment_type))
        return Skipped(comment_label(comment_id, thread_id), why)
    status = STATUSES.get(fields.get("comment_approved", "1"), CommentStatus.PENDING)
    if protected and status == CommentStatus.APPROVED:
        status = CommentStatus.PENDING  # only readers with the password saw it
    content = fields.get("comment_content", "")
    parent = fields.get("comment_parent", "0")
    return ImportedComment(
        thread_source_id=thread_id,
        source_id=comment_id,
        parent_source_id=parent if parent not in ("", "0") else None,
        import_key=f"wordpress:{comment_id}",
        author=fields.get("comment_author", ""),
        email=fields.get("comment_author_email") or None,
        website=fields.get("comment_author_url") or None,
        created=_date(fields, "comment_date"),
        text=content,
        html=content,
        status=status,
        ip_address=fields.get("comment_author_IP") or None,
    )


def _child_texts(element):
    """{local name: stripped text} of the element's direct children (the first of each)."""
    texts = {}
    for child in element:
        texts.setdefault(local_name(child.tag), (child.text or "").strip())
    return texts


def _date(fields, name):
    gmt = fields.get(f"{name}_gmt", "")
    if gmt and not gmt.startswith("0000"):
        return parse_iso_datetime(gmt)
    return parse_iso_datetime(fields.get(name, ""))
