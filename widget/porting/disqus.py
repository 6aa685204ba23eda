"""Disqus XML export → the common stream (threads first, then posts that name them).

The export lists <thread> elements (dsq:id, link, title, createdAt) and <post> elements
(dsq:id, message HTML, createdAt, isDeleted, isSpam, author, ipAddress, <thread dsq:id>,
optional <parent dsq:id>), all children of <disqus>.
"""

from functools import cache

from ..models import CommentStatus
from .progress import tracked
from .safexml import complete_elements
from .stream import ImportedComment, ImportedThread, parse_iso_datetime

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"


def read_disqus(fileobj, *, on_progress=None, **_options):
    for element in complete_elements(tracked(fileobj, on_progress), 1, "disqus", "Disqus"):
        if element.tag == NS + "thread":
            yield ImportedThread(
                source_id=element.get(DSQ_ID, ""),
                url=_text(element, "link"),
                title=_text(element, "title"),
                created=parse_iso_datetime(_text(element, "createdAt")),
            )
        elif element.tag == NS + "post":
            yield _comment(element)


def _comment(post):
    source_id = post.get(DSQ_ID, "")
    parent = post.find(NS + "parent")
    thread = post.find(NS + "thread")
    message = _text(post, "message")
    return ImportedComment(
        thread_source_id=thread.get(DSQ_ID, "") if thread is not None else "",
        source_id=source_id,
        parent_source_id=parent.get(DSQ_ID) if parent is not None else None,
        import_key=f"disqus:{source_id}",
        author=_text(post, "author/name") or _text(post, "author/username"),
        email=_text(post, "author/email") or None,
        website=None,  # Disqus exports no author link
        created=parse_iso_datetime(_text(post, "createdAt")),
        text=message,
        html=message,
        status=_status(post),
        ip_address=_text(post, "ipAddress") or None,
    )


def _status(post):
    if _text(post, "isDeleted") == "true":
        return CommentStatus.DELETED
    if _text(post, "isSpam") == "true":
        return CommentStatus.SPAM
    return CommentStatus.APPROVED


def _text(element, path):
    """The stripped text at a path of Disqus-namespaced children ("" when absent)."""
    found = element.find(_qualified(path))
    return (found.text or "").strip() if found is not None else ""


@cache
def _qualified(path):
    return "/".join(NS + part for part in path.split("/"))
