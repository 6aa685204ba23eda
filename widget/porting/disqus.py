"""Disqus XML export → the common stream (threads first, then posts that name them).

The export lists <thread> elements (dsq:id, link, title, createdAt, isDeleted) and <post>
elements (dsq:id, message HTML, createdAt, isDeleted, isSpam, author, ipAddress,
<thread dsq:id>, optional <parent dsq:id>), all children of <disqus>. Children are
matched by local name: Disqus puts them in its namespace, but some tools write the file
without the default xmlns, and those must import the same.
"""

import hashlib

from ..models import CommentStatus
from .opening import stray_prefix_note, without_stray_prefix
from .progress import tracked
from .safexml import complete_elements, local_name
from .stream import ImportedComment, ImportedThread, Note, parse_iso_datetime

DSQ_ID = "{http://disqus.com/disqus-internals}id"


def read_disqus(fileobj, *, on_progress=None, **_options):
    stream, stray = without_stray_prefix(tracked(fileobj, on_progress))
    if stray:
        yield Note(*stray_prefix_note(stray))
    for element in complete_elements(stream, 1, "disqus", "Disqus"):
        name = local_name(element.tag)
        if name == "thread":
            fields = _child_texts(element)
            yield ImportedThread(
                source_id=element.get(DSQ_ID, ""),
                url=fields.get("link", ""),
                title=fields.get("title", ""),
                created=parse_iso_datetime(fields.get("createdAt")),
                # Deleted on Disqus: its posts are not published (the writer skips them)
                deleted=fields.get("isDeleted") == "true",
            )
        elif name == "post":
            yield _comment(element)


def _comment(post):
    fields = _child_texts(post)
    author = _child(post, "author")
    author_fields = _child_texts(author) if author is not None else {}
    thread_id = _id_of(_child(post, "thread")) or ""
    author_name = author_fields.get("name") or author_fields.get("username") or ""
    message = fields.get("message", "")
    source_id = post.get(DSQ_ID, "")
    if not source_id:
        # Posts without an id (hand-made or converted files) are told apart, and found
        # again by a re-run, by what they hold.
        source_id = "content-" + _content_digest(thread_id, author_name,
                                                 fields.get("createdAt", ""), message)
    return ImportedComment(
        thread_source_id=thread_id,
        source_id=source_id,
        parent_source_id=_id_of(_child(post, "parent")),
        import_key=f"disqus:{source_id}",
        author=author_name,
        email=author_fields.get("email") or None,
        website=None,  # Disqus exports no author link
        created=parse_iso_datetime(fields.get("createdAt")),
        text=message,
        html=message,
        status=_status(fields),
        ip_address=fields.get("ipAddress") or None,
    )


def _content_digest(thread_id, author, created, message):
    """A key for a post without dsq:id from its thread, author, date and text."""
    source = "\0".join((thread_id, author, created, message))
    return hashlib.sha256(source.encode()).hexdigest()[:40]


def _status(fields):
    if fields.get("isDeleted") == "true":
        return CommentStatus.DELETED
    if fields.get("isSpam") == "true":
        return CommentStatus.SPAM
    return CommentStatus.APPROVED


def _id_of(element):
    return element.get(DSQ_ID) if element is not None else None


def _child(element, name):
    return next((child for child in element if local_name(child.tag) == name), None)


def _child_texts(element):
    """{local name: stripped text} of the element's direct children (the first of each)."""
    texts = {}
    for child in element:
        texts.setdefault(local_name(child.tag), (child.text or "").strip())
    return texts
