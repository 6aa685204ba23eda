"""WordPress WXR export → the common stream: one thread per <item>, its <wp:comment>s inside.

WXR versions differ in the wp namespace (export/1.0 … 1.2), so children are matched by
local name. Dates are read from comment_date_gmt, falling back to the local
comment_date (taken as UTC) when WordPress left the GMT one empty or zero.
"""

from ..models import CommentStatus
from .progress import tracked
from .safexml import complete_elements, local_name
from .stream import ImportedComment, ImportedThread, Skipped, parse_iso_datetime

STATUSES = {
    "1": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.DELETED,
    "post-trashed": CommentStatus.DELETED,
}
NOT_COMMENTS = {"pingback", "trackback"}


def read_wordpress(fileobj, *, on_progress=None, **_options):
    elements = complete_elements(tracked(fileobj, on_progress), 2, "rss", "WordPress (WXR)")
    for number, item in enumerate(
        (element for element in elements if local_name(element.tag) == "item"), start=1
    ):
        fields = _child_texts(item)
        thread_id = fields.get("post_id") or f"item-{number}"
        yield ImportedThread(
            source_id=thread_id,
            url=fields.get("link", ""),
            title=fields.get("title", ""),
            created=_date(fields, "post_date"),
        )
        for child in item:
            if local_name(child.tag) == "comment":
                yield _comment(thread_id, _child_texts(child))


def _comment(thread_id, fields):
    comment_id = fields.get("comment_id", "")
    if fields.get("comment_type") in NOT_COMMENTS:
        return Skipped(f"comment {comment_id} (thread {thread_id})",
                       f"a {fields['comment_type']}, not a comment")
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
        status=STATUSES.get(fields.get("comment_approved", "1"), CommentStatus.PENDING),
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
