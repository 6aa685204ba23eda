"""Importing a Disqus XML export: the fixture's expected result, ordering, statuses, re-runs."""

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread
from widget.porting.service import run_import

from .conftest import make_comment, make_site, make_thread

FIXTURES = Path(__file__).parent / "fixtures"
HEAD = ('<?xml version="1.0"?>\n<disqus xmlns="http://disqus.com" '
        'xmlns:dsq="http://disqus.com/disqus-internals">\n')


def import_file(path, site, format_name="disqus", **options):
    with open(path, "rb") as fileobj:
        return run_import(format_name, fileobj, site, **options)


def import_text(tmp_path, xml, site, format_name="disqus"):
    path = tmp_path / "export.xml"
    path.write_text(xml, encoding="utf-8")
    return import_file(path, site, format_name)


def thread_xml(dsq_id, link, title="A post"):
    return (f'<thread dsq:id="{dsq_id}"><link>{link}</link><title>{title}</title>'
            f'<createdAt>2020-01-01T00:00:00Z</createdAt></thread>\n')


def post_xml(dsq_id, thread, parent=None, message="Hi", deleted="false", spam="false",
             created="2020-02-02T10:00:00Z", name="Ann"):
    parent_xml = f'<parent dsq:id="{parent}"/>' if parent else ""
    return (f'<post dsq:id="{dsq_id}"><message><![CDATA[{message}]]></message>'
            f'<createdAt>{created}</createdAt><isDeleted>{deleted}</isDeleted>'
            f'<isSpam>{spam}</isSpam><author><name>{name}</name><email>a@example.org</email>'
            f'</author><ipAddress>198.51.100.7</ipAddress><thread dsq:id="{thread}"/>'
            f'{parent_xml}</post>\n')


def all_comments():
    return db.session.scalars(select(Comment).order_by(Comment.id)).all()


def test_fixture_gives_one_thread_with_a_reply_and_reports_the_rest(app):
    site = make_site(origins=["http://example.org"])
    report = import_file(FIXTURES / "disqus-isso.xml", site)

    thread = db.session.scalars(select(Thread)).one()
    assert (thread.url, thread.title) == ("http://example.org/", "Hello, World!")
    assert thread.created_at == datetime(2012, 12, 12, 12, 12, 12)
    first, second = all_comments()
    assert (first.author, first.email, first.text, first.html) == ("peter", "foo@bar.com", "...", "<p>...</p>")
    assert first.created_at == datetime(2013, 10, 10, 19, 20, 29)
    assert first.parent_id is None and first.import_key == "disqus:4"
    assert (second.author, second.parent_id, second.import_key) == ("user", first.id, "disqus:5")
    assert second.text == "<p>Hello, World.</p>" and second.html == "<p>Hello, World.</p>"
    assert {first.status, second.status} == {CommentStatus.APPROVED}
    assert first.ip_hash and len(first.ip_hash) == 64  # hashed, never the raw address

    assert (report.threads_created, report.comments_added, report.already_present) == (1, 2, 0)
    skipped = {str(entry.what): str(entry.reason) for entry in report.skipped}
    assert skipped == {
        "thread 3": "The article URL is missing.",
        "comment 6 (thread 1337)": "orphan: its thread 1337 is not in the file",
    }


def test_rerunning_adds_nothing_twice(app):
    site = make_site(origins=["http://example.org"])
    import_file(FIXTURES / "disqus-isso.xml", site)
    version = db.session.scalar(select(Thread.version))
    report = import_file(FIXTURES / "disqus-isso.xml", site)
    assert (report.comments_added, report.already_present, report.threads_created) == (0, 2, 0)
    assert db.session.scalar(select(func.count(Comment.id))) == 2
    assert db.session.scalar(select(Thread.version)) == version  # nothing new: no new version


def test_a_later_export_adds_only_new_posts_and_links_them_to_earlier_ones(app, tmp_path):
    site = make_site()
    url = "https://blog.example.com/a"
    import_text(tmp_path, HEAD + thread_xml(1, url) + post_xml(10, 1) + "</disqus>", site)
    report = import_text(tmp_path, HEAD + thread_xml(1, url) + post_xml(10, 1)
                         + post_xml(11, 1, parent=10) + "</disqus>", site)
    assert (report.comments_added, report.already_present, report.threads_extended) == (1, 1, 1)
    first, reply = all_comments()
    assert reply.parent_id == first.id


def test_replies_before_parents_and_posts_before_threads_at_any_depth(app, tmp_path):
    site = make_site()
    xml = (HEAD
           + post_xml(4, 1, parent=3, message="depth 3")
           + post_xml(3, 1, parent=2, message="depth 2")
           + thread_xml(1, "https://blog.example.com/deep")
           + post_xml(2, 1, parent=1, message="depth 1")
           + post_xml(1, 1, message="root")
           + "</disqus>")
    report = import_text(tmp_path, xml, site)
    by_text = {comment.text: comment for comment in all_comments()}
    assert by_text["root"].parent_id is None
    assert by_text["depth 1"].parent_id == by_text["root"].id
    assert by_text["depth 2"].parent_id == by_text["depth 1"].id
    assert by_text["depth 3"].parent_id == by_text["depth 2"].id
    assert report.skipped == [] and report.notes == []


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_parents_link_across_batches(app, tmp_path, batch_size):
    from widget.porting.disqus import read_disqus
    from widget.porting.writer import ImportWriter

    site = make_site()
    posts = [post_xml(1, 1, message="root")] + [
        post_xml(n, 1, parent=n - 1, message=f"reply {n}") for n in range(2, 7)]
    path = tmp_path / "export.xml"
    path.write_text(HEAD + thread_xml(1, "https://blog.example.com/x") + "".join(reversed(posts))
                    + "</disqus>")
    with open(path, "rb") as fileobj:
        ImportWriter(site, batch_size=batch_size).write(read_disqus(fileobj))
    comments = {comment.text: comment for comment in all_comments()}
    for n in range(3, 7):
        assert comments[f"reply {n}"].parent_id == comments[f"reply {n - 1}"].id
    assert comments["reply 2"].parent_id == comments["root"].id


def test_statuses_are_mapped(app, tmp_path):
    site = make_site()
    xml = (HEAD + thread_xml(1, "https://blog.example.com/s")
           + post_xml(1, 1, message="fine") + post_xml(2, 1, message="gone", deleted="true")
           + post_xml(3, 1, message="junk", spam="true") + "</disqus>")
    report = import_text(tmp_path, xml, site)
    assert {comment.text: comment.status for comment in all_comments()} == {
        "fine": CommentStatus.APPROVED, "gone": CommentStatus.DELETED, "junk": CommentStatus.SPAM}
    assert report.added == {CommentStatus.APPROVED: 1, CommentStatus.DELETED: 1, CommentStatus.SPAM: 1}


def test_missing_parents_loops_and_dates_are_reported_not_fatal(app, tmp_path):
    site = make_site()
    xml = (HEAD + thread_xml(1, "https://blog.example.com/p")
           + post_xml(1, 1, parent=99, message="lost parent")
           + post_xml(2, 1, parent=3, message="loop a") + post_xml(3, 1, parent=2, message="loop b")
           + post_xml(4, 1, created="yesterday", message="no date")
           + thread_xml(5, "https://blog.example.com/empty")
           + thread_xml(6, "javascript:alert(1)") + post_xml(7, 6, message="bad url")
           + "</disqus>")
    report = import_text(tmp_path, xml, site)
    comments = {comment.text: comment for comment in all_comments()}
    assert set(comments) == {"lost parent", "loop a", "loop b"}
    assert comments["lost parent"].parent_id is None
    # the loop is broken: one keeps its parent, the other stays at the top level
    loop = [comments["loop a"], comments["loop b"]]
    top = [comment for comment in loop if comment.parent_id is None]
    assert len(top) == 1 and {comment.parent_id for comment in loop} == {None, top[0].id}
    notes = {str(entry.what): str(entry.reason) for entry in report.notes}
    assert notes.pop("comment 1 (thread 1)") == "its parent 99 is not in the file: kept at the top level"
    assert list(notes.values()) == [f"its parent {2 if notes.get('comment 3 (thread 1)') else 3} "
                                    "replies to it: kept at the top level"]
    skipped = {str(entry.what): str(entry.reason) for entry in report.skipped}
    assert skipped["comment 4 (thread 1)"] == "it has no valid date"
    assert skipped["thread 5 (https://blog.example.com/empty)"] == "it has no comments"
    assert skipped["thread 6 (javascript:alert(1))"] == "The article URL must start with http:// or https://."
    assert skipped["comment 7 (thread 6)"] == "its thread was skipped (no usable URL)"


def test_message_html_is_sanitized_and_raw_text_kept(app, tmp_path):
    site = make_site()
    message = ('<p>Hi <b>there</b> <a href="javascript:alert(1)">x</a>'
               '<img src=x onerror=alert(1)><script>alert(2)</script></p>')
    import_text(tmp_path, HEAD + thread_xml(1, "https://blog.example.com/x")
                + post_xml(1, 1, message=message) + "</disqus>", site)
    comment = all_comments()[0]
    assert comment.text == message
    assert comment.html == "<p>Hi <strong>there</strong> xalert(2)</p>"


def test_urls_are_normalized_and_merge_into_existing_threads(app, tmp_path):
    site = make_site()
    existing = make_thread(site, url="https://blog.example.com/posts/hello", title="Kept")
    make_comment(existing, "Native comment")
    report = import_text(tmp_path, HEAD + thread_xml(1, "HTTPS://Blog.Example.com/posts/hello/?utm_source=x#c")
                         + post_xml(1, 1) + "</disqus>", site)
    assert db.session.scalar(select(func.count(Thread.id))) == 1
    assert (report.threads_created, report.threads_extended) == (0, 1)
    assert db.session.get(Thread, existing.id).title == "Kept"
    assert db.session.scalar(select(func.count(Comment.id)).where(Comment.thread_id == existing.id)) == 2


def test_threads_outside_the_sites_origins_are_imported_with_a_note(app, tmp_path):
    site = make_site(origins=["https://blog.example.com"])
    report = import_text(tmp_path, HEAD + thread_xml(1, "http://blog.example.com/old")
                         + post_xml(1, 1) + "</disqus>", site)
    assert report.comments_added == 1
    assert [str(entry.what) for entry in report.notes] == ["http://blog.example.com"]
    assert "does not allow yet" in str(report.notes[0].reason)


@pytest.mark.parametrize("threads_with_comments, note", [
    (1, "1 thread on this origin, which the site does not allow yet: add the origin to the "
        "site's origins to show it"),
    (2, "2 threads on this origin, which the site does not allow yet: add the origin to the "
        "site's origins to show them"),
])
def test_the_origin_note_counts_only_the_threads_kept(app, tmp_path, threads_with_comments,
                                                      note):
    """A thread skipped for having no comments is not one the site should show."""
    site = make_site(origins=["https://blog.example.com"])
    body = "".join(thread_xml(number, f"http://old.example.com/{number}")
                   + (post_xml(number, number) if number <= threads_with_comments else "")
                   for number in (1, 2, 3))
    report = import_text(tmp_path, HEAD + body + "</disqus>", site)
    assert [(str(entry.what), str(entry.reason)) for entry in report.notes] == [
        ("http://old.example.com", note)]
    assert len(report.skipped) == 3 - threads_with_comments


def test_imported_thread_shows_on_the_thread_page(app, client):
    site = make_site(origins=["http://example.org"])
    import_file(FIXTURES / "disqus-isso.xml", site)
    first, second = all_comments()
    page = client.get(f"/t/{site.key}?url=http://example.org/")
    assert page.status_code == 200
    assert f'id=c-{second.id} data-parent={first.id}>' in page.text
    assert "<p>Hello, World.</p>" in page.text
    assert "foo@bar.com" not in page.text


def test_import_command(app, runner):
    site = make_site(origins=["http://example.org"])
    result = runner.invoke(args=["import", "disqus", str(FIXTURES / "disqus-isso.xml"),
                                 "--site", site.key])
    assert result.exit_code == 0, result.output
    assert "Threads: 1 created, 0 existing ones extended." in result.output
    assert "Comments: 2 added (2 approved), 0 already here from an earlier import." in result.output
    assert "- comment 6 (thread 1337): orphan: its thread 1337 is not in the file" in result.output
    assert "- thread 3: The article URL is missing." in result.output
    assert "Importing" not in result.output  # no progress bar when the output is not a terminal


def test_import_command_refuses_an_unknown_site(app, runner):
    result = runner.invoke(args=["import", "disqus", str(FIXTURES / "disqus-isso.xml"),
                                 "--site", "nope"])
    assert result.exit_code == 2
    assert "No site has the key “nope”" in result.output
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_sanitizing_in_worker_processes_gives_the_same_result(app, tmp_path):
    """Big imports sanitize in a process pool (rendering.py); small batches force it here."""
    from widget.porting.disqus import read_disqus
    from widget.porting.writer import ImportWriter

    posts = [post_xml(n, 1 + n % 2, parent=n + 2 if n % 3 else None,
                      message=f"<p>Post <b>{n}</b><script>x</script></p>\n\nmore") for n in range(1, 12)]
    path = tmp_path / "export.xml"
    path.write_text(HEAD + thread_xml(1, "https://blog.example.com/one")
                    + thread_xml(2, "https://blog.example.com/two") + "".join(posts) + "</disqus>")
    results = []
    for workers in (1, 2):
        site = make_site(f"Site {workers}")
        with open(path, "rb") as fileobj:
            report = ImportWriter(site, batch_size=2, workers=workers).write(read_disqus(fileobj))
        assert report.comments_added == 11
        comments = db.session.scalars(select(Comment).join(Thread).where(Thread.site_id == site.id)
                                      .order_by(Comment.id)).all()
        texts = {comment.id: comment.text for comment in comments}
        results.append([(comment.text, comment.html, texts.get(comment.parent_id)) for comment in comments])
    assert results[0] == results[1]
    _text, first_html, first_parent = results[0][0]  # post 1 replies to post 3, stored later
    assert first_html == "<p>Post <strong>1</strong>x</p>\n\nmore"
    assert first_parent == "<p>Post <b>3</b><script>x</script></p>\n\nmore"
    assert ("<p>Post <b>2</b><script>x</script></p>\n\nmore", "<p>Post <strong>2</strong>x</p>\n\nmore",
            "<p>Post <b>4</b><script>x</script></p>\n\nmore") in results[1]
