"""Importing Isso's SQLite database, made by Isso itself (tests/fixtures/make_isso_db.py)."""

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from io import BytesIO

from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread
from widget.porting.service import run_import

from .conftest import make_site
from .test_import_disqus import FIXTURES, import_file

ISSO_DB = FIXTURES / "isso.db"


def isso_rows():
    """The fixture's comments as Isso stored them, by Isso id."""
    with closing(sqlite3.connect(f"file:{ISSO_DB}?mode=ro", uri=True)) as isso:
        rows = isso.execute("SELECT id, created, mode, author FROM comments").fetchall()
    return {comment_id: (created, mode, author) for comment_id, created, mode, author in rows}


def imported():
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    return {int(comment.import_key.split(":")[1]): comment for comment in comments}


def test_fixture_threads_nesting_and_statuses(app):
    site = make_site()
    report = import_file(ISSO_DB, site, "isso")

    threads = db.session.execute(select(Thread.url, Thread.title).order_by(Thread.id)).all()
    assert threads == [("https://blog.example.com/2024/hello", "Hello"),
                       ("https://blog.example.com/2024/second", "Second")]
    comments = imported()
    assert sorted(comments) == [1, 2, 3, 4, 5, 6, 7]
    assert comments[2].parent_id == comments[1].id
    assert comments[3].parent_id == comments[1].id  # Isso nests one level only
    assert comments[5].parent_id == comments[4].id
    assert {n: comments[n].status for n in comments} == {
        1: CommentStatus.APPROVED, 2: CommentStatus.APPROVED, 3: CommentStatus.APPROVED,
        4: CommentStatus.DELETED, 5: CommentStatus.APPROVED, 6: CommentStatus.APPROVED,
        7: CommentStatus.PENDING}
    assert (report.threads_created, report.comments_added, report.skipped) == (2, 7, [])


def test_fixture_fields_are_faithful(app):
    site = make_site()
    import_file(ISSO_DB, site, "isso")
    comments = imported()
    rows = isso_rows()
    for isso_id, comment in comments.items():
        created, _mode, _author = rows[isso_id]
        assert comment.created_at == datetime.fromtimestamp(created, UTC).replace(tzinfo=None)
    ann = comments[1]
    assert (ann.author, ann.email, ann.website) == ("Ann", "ann@example.org", "https://ann.example")
    assert ann.text == "First **comment**, see [docs](https://isso-comments.de/)."
    assert ann.html == ('<p>First <strong>comment</strong>, see <a href="https://isso-comments.de/" '
                        'rel="nofollow ugc noopener noreferrer" target="_blank">docs</a>.</p>')
    assert comments[3].author == "Chloé"
    assert comments[3].html == "<p>A reply to Bob.</p>\n<p>Two paragraphs.</p>"
    assert rows[6][2] == "A &amp; B"  # Isso stores names escaped …
    assert (comments[6].author, comments[6].website) == ("A & B", "http://example.net")  # … we don't
    deleted = comments[4]
    assert (deleted.author, deleted.text, deleted.html) == ("Anonymous", "", "")
    assert all(comment.ip_hash for comment in comments.values())


def test_deleted_comment_with_a_reply_shows_as_a_placeholder(app, client):
    site = make_site()
    import_file(ISSO_DB, site, "isso")
    comments = imported()
    page = client.get(f"/t/{site.key}?url=https://blog.example.com/2024/hello/")
    assert page.status_code == 200
    assert "4 comments" in page.text
    assert "[deleted]" in page.text
    assert f'id=c-{comments[5].id} data-parent={comments[4].id}>' in page.text


def test_rerunning_adds_nothing_twice(app):
    site = make_site()
    import_file(ISSO_DB, site, "isso")
    report = import_file(ISSO_DB, site, "isso")
    assert (report.comments_added, report.already_present) == (0, 7)
    assert db.session.scalar(select(func.count(Comment.id))) == 7


def test_paths_join_the_given_base_url_when_the_site_has_several_origins(app, runner):
    site = make_site(origins=["https://blog.example.com", "https://www.example.com"])
    refused = runner.invoke(args=["import", "isso", str(ISSO_DB), "--site", site.key])
    assert refused.exit_code == 1
    assert "say which origin the paths belong to with --base-url" in refused.output
    assert db.session.scalar(select(func.count(Thread.id))) == 0

    result = runner.invoke(args=["import", "isso", str(ISSO_DB), "--site", site.key,
                                 "--base-url", "https://www.example.com"])
    assert result.exit_code == 0, result.output
    assert "Comments: 7 added (5 approved, 1 deleted, 1 pending)" in result.output
    assert db.session.scalars(select(Thread.url).order_by(Thread.id)).all() == [
        "https://www.example.com/2024/hello", "https://www.example.com/2024/second"]


def test_an_uploaded_copy_is_read_too(app):
    """The admin upload hands over a file object without a path: it is copied first."""
    site = make_site()
    report = run_import("isso", BytesIO(ISSO_DB.read_bytes()), site)
    assert report.comments_added == 7
