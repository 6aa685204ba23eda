"""Disqus exports as other projects keep them (tests/peers.py), through the command."""

from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread

from .conftest import make_site
from .peers import edited, gzipped, peer, with_quoted_attribute


def run(runner, site, path, format_name="disqus"):
    return runner.invoke(args=["import", format_name, str(path), "--site", site.key,
                               "--jobs", "1"])


def comments():
    return db.session.scalars(select(Comment).order_by(Comment.id)).all()


def test_a_file_without_the_disqus_xmlns_imports_like_any_other(app, runner):
    site = make_site(origins=["http://example.com"])
    result = run(runner, site, peer("pygameweb-disqus.xml"))
    assert result.exit_code == 0, result.output
    assert "Comments: 4 added (4 approved)" in result.output
    stored = comments()
    assert len(stored) == 4
    assert sum(comment.parent_id is not None for comment in stored) == 2


def test_a_deleted_threads_posts_are_skipped_and_reported(app, runner, tmp_path):
    site = make_site(origins=["https://radio-t.com", "http://radio-t.umputun.com"])
    result = run(runner, site, with_quoted_attribute("remark42-disqus-deleted-thread.xml", tmp_path))
    assert result.exit_code == 0, result.output
    assert ("thread 247937687 (https://radio-t.com/p/2011/03/05/podcast-229): the thread was "
            "deleted in the export's system: its 4 comments were not imported") in result.output
    threads = db.session.scalars(select(Thread.url)).all()
    assert threads == ["http://radio-t.umputun.com/2011/03/229_8880.html"]
    assert len(comments()) == 2  # the other thread's, one of them without a dsq:id
    assert db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.text.contains("quick brown fox"))) == 0


def test_the_unquoted_attribute_is_refused_with_its_line_and_nothing_stored(app, runner):
    site = make_site(origins=["https://radio-t.com"])
    result = run(runner, site, peer("remark42-disqus.xml"))
    assert result.exit_code == 1
    assert "not well-formed XML" in result.output and "line 147, column 23" in result.output
    assert "nothing was imported" in result.output
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_a_stray_backtick_before_the_declaration_is_skipped_and_said(app, runner, tmp_path):
    site = make_site(origins=["https://radio-t.com", "http://radio-t.umputun.com"])
    result = run(runner, site, with_quoted_attribute("remark42-disqus.xml", tmp_path))
    assert result.exit_code == 0, result.output
    assert "1 character before the XML declaration or root element: skipped ('`')" in result.output
    assert "Comments: 5 added (4 approved, 1 spam)" in result.output, result.output


def test_posts_without_an_id_each_come_in_once(app, runner, tmp_path):
    site = make_site(origins=["http://example.org"])
    # Isso's test export with two posts of one thread stripped of their dsq:id, as some
    # converters write them
    path = edited("isso-disqus.xml", tmp_path, ('<post dsq:id="4">', "<post>"),
                  ('<post dsq:id="11">', "<post>"), ('<parent dsq:id="4" />', ""))
    first = run(runner, site, path)
    assert first.exit_code == 0, first.output
    keys = [comment.import_key for comment in comments()]
    assert sum(key.startswith("disqus:content-") for key in keys) == 2
    assert len(keys) == 5 and len(set(keys)) == 5

    again = run(runner, site, path)
    assert "Comments: 0 added, 5 already here from an earlier import." in again.output
    assert "No comment was added: the file's 6 comments were here already (5) or " \
           "skipped (1; see below)." in again.output
    assert len(comments()) == 5


def test_the_gzip_disqus_mails_is_read_and_said(app, runner, tmp_path):
    site = make_site(origins=["http://example.com"])
    result = run(runner, site, gzipped(peer("pygameweb-disqus.xml"), tmp_path))
    assert result.exit_code == 0, result.output
    assert "the file: was gzip-compressed; it was read uncompressed" in result.output
    assert len(comments()) == 4


def test_a_damaged_gzip_is_refused_whole(app, runner, tmp_path):
    site = make_site(origins=["http://example.com"])
    path = gzipped(peer("pygameweb-disqus.xml"), tmp_path)
    path.write_bytes(path.read_bytes()[:-200])
    result = run(runner, site, path)
    assert result.exit_code == 1
    assert "gzip-compressed file is damaged or cut short" in result.output
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_a_file_with_threads_but_no_posts_is_refused_not_reported_as_done(app, runner, tmp_path):
    site = make_site(origins=["http://example.com"])
    text = peer("pygameweb-disqus.xml").read_text()
    path = tmp_path / "threads-only.xml"
    path.write_text(text[:text.index("<post")] + "</disqus>\n")
    result = run(runner, site, path)
    assert result.exit_code == 1
    assert "It is a Disqus export, but it holds no <post> element: there is nothing to " \
           "import." in result.output
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_deleted_posts_still_come_in_as_deleted(app, runner):
    site = make_site(origins=["http://example.org"])
    run(runner, site, peer("isso-disqus.xml"))
    assert CommentStatus.DELETED in {comment.status for comment in comments()}
