"""The JSON export and its restore: byte-identical round trips, the format, re-runs, refusals."""

import gzip
import json
from datetime import datetime
from io import BytesIO, StringIO

import pytest
from sqlalchemy import delete, func, select

from widget.extensions import db
from widget.likes import like, visitor_hash
from widget.models import Comment, CommentLike, CommentStatus, ModerationMode, Site, Thread
from widget.porting.export import write_export
from widget.porting.service import run_import
from widget.porting.stream import ImportRefused

from .conftest import make_comment, make_site, make_thread
from .test_import_disqus import FIXTURES, HEAD, import_file, import_text, post_xml, thread_xml


def export_text(sites=None):
    out = StringIO()
    write_export(out, sites if sites is not None else db.session.scalars(select(Site).order_by(Site.id)).all())
    return out.getvalue()


def restore(text, site=None):
    return run_import("json", BytesIO(text.encode()), site)


def empty_database():
    for model in (Comment, Thread, Site):
        db.session.execute(delete(model))
    db.session.commit()


def counts():
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (Site, Thread, Comment, CommentLike))


def populate(tmp_path):
    """Two sites with what a real database holds: every status, deep nesting, a deleted
    comment with replies, edits, unicode, imported HTML, a reply stored before its parent,
    a thread without comments."""
    blog = make_site("Blog “quotes”", ["https://blog.example.com", "http://example.org"],
                     moderation=ModerationMode.FIRST)
    thread = make_thread(blog, url="https://blog.example.com/posts/hello", title="Hello ünïcode")
    root = make_comment(thread, "Root with a [link](https://example.com) and `code`",
                        author="Ann", email="ann@example.org", website="https://ann.example",
                        ip_hash="a" * 64, notify_replies=True)
    for visitor in ("first-visitor", "second-visitor"):
        like(blog, root, visitor_hash(visitor, None), "b" * 64)
    db.session.commit()
    reply = make_comment(thread, "Reply\nwith a break", parent=root, author="Bob",
                         edited_at=datetime(2026, 1, 2, 3, 4, 5, 678901))
    deep = make_comment(thread, "Deep 東京 <script>x</script>", parent=reply, author="Cy")
    make_comment(thread, "Deepest", parent=deep, status=CommentStatus.PENDING, reply_to_id=deep.id)
    # placed under the root by a depth cap, answering the deep one
    make_comment(thread, "Capped", parent=root, reply_to_id=deep.id)
    gone = make_comment(thread, "Gone", status=CommentStatus.DELETED)
    make_comment(thread, "Under a deleted one", parent=gone)
    make_comment(thread, "Buy pills", status=CommentStatus.SPAM, spam_reason="blocked word: pills",
                 created_at=datetime(2020, 5, 5, 5, 5, 5))
    make_thread(blog, url="https://blog.example.com/quiet", title="No comments yet")
    # A Disqus import whose reply comes first: the reply gets the smaller id.
    import_text(tmp_path, HEAD + thread_xml(1, "http://example.org/imported")
                + post_xml(11, 1, parent=10, message="<p>Reply <b>first</b></p>")
                + post_xml(10, 1, message="Parent\n\nsecond", deleted="true") + "</disqus>", blog)
    other = make_site("Other", ["https://other.example.com"], likes_enabled=False,
                      blocked_words=["pills", "casino"], max_links=2)
    make_comment(make_thread(other, url="https://other.example.com/?p=4"), "Elsewhere")
    return blog, other


def test_round_trip_is_byte_identical(app, tmp_path):
    populate(tmp_path)
    first_export = export_text()
    before = counts()
    empty_database()
    assert counts() == (0, 0, 0, 0)

    report = restore(first_export)

    assert counts() == before
    liked = db.session.scalars(select(Comment).where(Comment.like_count > 0)).one()
    assert (liked.author, liked.like_count, liked.notify_replies) == ("Ann", 2, True)
    assert report.sites_created == [json.loads(first_export)["sites"][0]["key"], json.loads(first_export)["sites"][1]["key"]]
    assert report.skipped == []
    assert export_text() == first_export


def test_round_trip_through_the_commands(app, runner, tmp_path):
    blog, _other = populate(tmp_path)
    path = tmp_path / "blog.json"
    result = runner.invoke(args=["export", "--site", blog.key, "-o", str(path)])
    assert result.exit_code == 0, result.output
    exported = path.read_text(encoding="utf-8")
    assert [site["key"] for site in json.loads(exported)["sites"]] == [blog.key]
    empty_database()

    result = runner.invoke(args=["import", "json", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Site {blog.key} created." in result.output
    again = runner.invoke(args=["export", "--site", blog.key])
    assert again.exit_code == 0
    assert again.output == exported


def test_export_format(app, tmp_path):
    blog, _other = populate(tmp_path)
    document = json.loads(export_text([blog]))
    assert (document["format"], document["version"]) == ("widget-export", 1)
    (site,) = document["sites"]
    assert site["key"] == blog.key and site["moderation"] == "first" and site["likes_enabled"] is True
    assert json.loads(export_text())["sites"][1]["likes_enabled"] is False
    assert site["allowed_origins"] == ["https://blog.example.com", "http://example.org"]
    hello, quiet, imported = site["threads"]
    assert (quiet["url"], quiet["comments"]) == ("https://blog.example.com/quiet", [])
    root, reply, deep = hello["comments"][:3]
    assert [root["id"], reply["id"], deep["id"]] == [1, 2, 3]
    assert (root["parent"], reply["parent"], deep["parent"]) == (None, 1, 2)
    assert root["email"] == "ann@example.org"  # the owner's data: emails are exported
    assert root["created"].endswith("Z") and datetime.fromisoformat(root["created"])
    assert reply["edited"] == "2026-01-02T03:04:05.678901Z"
    assert (root["notify_replies"], reply["notify_replies"]) == (True, False)
    capped = next(comment for comment in hello["comments"] if comment["text"] == "Capped")
    assert (capped["parent"], capped["reply_to"]) == (1, 3)
    spam = next(comment for comment in hello["comments"] if comment["status"] == "spam")
    assert spam["spam_reason"] == "blocked word: pills"
    other_site = json.loads(export_text())["sites"][1]
    assert (other_site["blocked_words"], other_site["max_links"]) == (["pills", "casino"], 2)
    assert [like["visitor_hash"] for like in root["likes"]] == [
        visitor_hash("first-visitor", None), visitor_hash("second-visitor", None)]
    assert root["likes"][0]["ip_hash"] == "b" * 64 and root["likes"][0]["created"].endswith("Z")
    assert reply["likes"] == []
    assert {comment["status"] for comment in hello["comments"]} == {"approved", "pending", "deleted", "spam"}
    first, second = imported["comments"]
    assert (first["import_key"], first["parent"], second["import_key"]) == ("disqus:11", 2, "disqus:10")
    assert first["reply_to"] == 2  # imported replies answer their parent
    assert first["text"] == "<p>Reply <b>first</b></p>"
    assert first["html"] == "<p>Reply <strong>first</strong></p>"


def test_restoring_twice_adds_nothing(app, tmp_path):
    populate(tmp_path)
    exported = export_text()
    before = counts()
    report = restore(exported)
    assert counts() == before
    assert report.comments_added == 0 and report.already_present == before[2]
    assert export_text() == exported


def test_restore_into_another_site_merges_threads(app, tmp_path):
    blog, other = populate(tmp_path)
    exported = export_text([other])
    target = make_site("Target", ["https://other.example.com"])
    report = restore(exported, site=target)
    assert report.sites_created == [] and report.comments_added == 1
    assert [(str(note.what), str(note.reason)) for note in report.notes] == [
        (f"site {other.key}", f"imported into site {target.key}")]
    (thread,) = db.session.scalars(select(Thread).where(Thread.site_id == target.id)).all()
    assert thread.url == "https://other.example.com/?p=4"


def test_restored_html_is_sanitized_again(app):
    document = {"format": "widget-export", "version": 1, "sites": [{
        "key": "k", "name": "N", "allowed_origins": ["https://a.example"], "moderation": "none",
        "created": "2020-01-01T00:00:00Z", "threads": [{
            "url": "https://a.example/x", "title": "X", "created": "2020-01-01T00:00:00Z",
            "comments": [
                {"id": 1, "parent": None, "author": "Mallory", "created": "2020-01-01T00:00:00Z",
                 "status": "approved", "text": "hi",
                 "html": '<p onclick="evil()">hi<script>alert(1)</script><img src=x></p>',
                 "likes": [{"visitor_hash": "v" * 64, "created": "2020-01-02T00:00:00Z"},
                           {"visitor_hash": 5, "created": "2020-01-02T00:00:00Z"}]},
                {"id": 2, "parent": 1, "author": "Bad", "created": "2020-01-01T00:00:00Z",
                 "status": "published", "text": "x", "html": "x"},
            ]}]}]}
    report = restore(json.dumps(document))
    (comment,) = db.session.scalars(select(Comment)).all()
    assert comment.html == "<p>hialert(1)</p>"
    assert comment.like_count == 1
    assert db.session.scalars(select(CommentLike.visitor_hash)).all() == ["v" * 64]
    assert [(str(entry.what), str(entry.reason)) for entry in report.skipped] == [
        ("likes of comment 1 in https://a.example/x",
         "1 like has no visitor_hash of at most 64 characters or no valid time"),
        ("comment 2 in https://a.example/x", "unknown status 'published'")]


@pytest.mark.parametrize(("document", "message"), [
    ('{"format": "something-else", "version": 1, "sites": []}', "This is not a widget export"),
    ('{"format": "widget-export", "version": 2, "sites": []}', "This export has version 2"),
    ('{"sites": []}', "This is not a widget export"),
    ("[]", "This is not a widget export"),
    ('{"format": "widget-export", "version": 1, "sites": [{"key": "a key", "name": "N", "threads": []}]}',
     "A site in the file has no valid \"key\""),
])
def test_foreign_or_newer_files_are_refused(app, document, message):
    with pytest.raises(ImportRefused, match=message):
        restore(document)


def test_truncated_export_leaves_the_database_as_it_was(app, tmp_path):
    populate(tmp_path)
    exported = export_text()
    empty_database()
    site = make_site("Kept")
    with pytest.raises(ImportRefused, match="not valid JSON"):
        restore(exported[: len(exported) * 3 // 4])
    assert counts() == (1, 0, 0, 0)
    assert db.session.scalars(select(Site.name)).all() == ["Kept"]
    assert site.key


def test_importing_the_disqus_fixture_then_round_tripping(app):
    """Imported threads (with import keys) survive a restore, and a later Disqus re-run
    still recognises them."""
    site = make_site(origins=["http://example.org"])
    import_file(FIXTURES / "disqus-isso.xml", site)
    exported = export_text()
    empty_database()
    restore(exported)
    restored_site = db.session.scalars(select(Site)).one()
    report = import_file(FIXTURES / "disqus-isso.xml", restored_site)
    assert (report.comments_added, report.already_present) == (0, 2)
    assert export_text() == exported


def test_a_gzipped_export_restores_the_same(app, runner, tmp_path):
    blog, _other = populate(tmp_path)
    path = tmp_path / "blog.json"
    runner.invoke(args=["export", "--site", blog.key, "-o", str(path)])
    exported = path.read_text(encoding="utf-8")
    packed = tmp_path / "blog.json.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    empty_database()

    result = runner.invoke(args=["import", "json", str(packed)])
    assert result.exit_code == 0, result.output
    assert "the file: was gzip-compressed; it was read uncompressed" in result.output
    assert runner.invoke(args=["export", "--site", blog.key]).output == exported
