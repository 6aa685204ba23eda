"""Import as an upload and export as a download on a site's page, for superadmins: the real
fixtures, re-uploads, every refusal beside the field with the database unchanged, the size
limit, who may do it, and the audit log."""

import os
import re
import tempfile
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.test_import_refusals import BILLION_LAUGHS, BODIES, EXTERNAL_ENTITY
from widget.extensions import db
from widget.models import AuditEntry, Comment, Site, Thread

from .conftest import Dashboard, make_comment, make_site, make_thread, thread_url

FIXTURES = Path(__file__).parent.parent / "fixtures"
DISQUS_FIXTURE = FIXTURES / "disqus-isso.xml"
WORDPRESS_FIXTURE = FIXTURES / "wordpress-isso.xml"
ISSO_FIXTURE = FIXTURES / "isso.db"


def upload(board, site, format_name, content, file_name="export.xml", headers=None, **fields):
    """Post the import form of `site` as a browser does (multipart, with the CSRF token)."""
    data = {"format": format_name, **fields}
    if content is not None:
        data["file"] = (BytesIO(content), file_name)
    return board.post(f"/admin/sites/{site.id}/import", data=data, headers=headers or {},
                      content_type="multipart/form-data")


def upload_file(board, site, format_name, path, **fields):
    return upload(board, site, format_name, path.read_bytes(), file_name=path.name, **fields)


def text_of(html):
    """The page's text, tags dropped and whitespace folded, to read as a person does."""
    inline_gone = re.sub(r"</?(span|a|strong|em|code|time|bdi)\b[^>]*>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", inline_gone)).split())


def field_error(html, field="file"):
    match = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else None


def selected_format(html):
    select_html = re.search(r'<select[^>]*name="format".*?</select>', html, re.S).group(0)
    return re.search(r'<option selected value="([^"]+)"', select_html).group(1)


def snapshot():
    return (db.session.execute(select(Site.id, Site.key)).all(),
            db.session.execute(select(Thread.id, Thread.url, Thread.version)).all(),
            db.session.execute(select(Comment.id, Comment.text, Comment.parent_id,
                                      Comment.status)).all(),
            db.session.execute(select(AuditEntry.id)).all())


@pytest.fixture
def example_site(app):
    """The site the fixtures' threads belong to (Disqus: http://example.org/)."""
    return make_site("Example", origins=["http://example.org"])


def test_the_site_page_offers_import_and_export_to_superadmins(dashboard, example_site):
    html = dashboard.get(f"/admin/sites/{example_site.id}").text
    assert f'action="/admin/sites/{example_site.id}/import#import"' in html
    assert 'enctype="multipart/form-data"' in html
    assert ">Import comments</h2>" in html
    options = re.findall(r'<option (?:selected )?value="(\w+)">([^<]+)</option>', html)
    assert ("disqus", "Disqus XML export") in options
    assert ("wordpress", "WordPress export (WXR)") in options
    assert ("isso", "Isso database (its SQLite file)") in options
    assert ("json", "JSON export of this service") in options
    assert selected_format(html) == "disqus"
    assert 'data-max-bytes="200000000"' in html and "At most 200 MB" in html
    assert f'href="/admin/sites/{example_site.id}/export.json"' in html
    assert "Origin of the Isso paths" not in html  # one origin: nothing to choose


def test_the_import_form_speaks_the_admins_language(dashboard, example_site):
    html = dashboard.get(f"/admin/sites/{example_site.id}", headers={"Accept-Language": "de"}).text
    assert ">Kommentare importieren</h2>" in html and "Höchstens 200 MB" in html
    refused = upload(dashboard, example_site, "wordpress", b"", file_name="leer.xml",
                     headers={"Accept-Language": "de"})
    assert field_error(refused.text) == "Die Datei ist leer."


def test_a_moderator_neither_sees_nor_may_use_them(moderator_board, site):
    before = snapshot()
    html = moderator_board.get(f"/admin/sites/{site.id}").text
    assert "Import comments" not in html and "/import" not in html and "export.json" not in html
    response = upload_file(moderator_board, site, "disqus", DISQUS_FIXTURE)
    assert response.status_code == 403
    assert "Only a superadmin can import comments." in response.text
    export = moderator_board.get(f"/admin/sites/{site.id}/export.json")
    assert export.status_code == 403 and "Only a superadmin can export comments." in export.text
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_sign_in(client, site):
    board = Dashboard(client)  # holds a valid CSRF token, but nobody signed in
    before = snapshot()
    response = upload_file(board, site, "disqus", DISQUS_FIXTURE)
    assert (response.status_code, response.headers["Location"]) == (302, "/admin/login")
    export = client.get(f"/admin/sites/{site.id}/export.json")
    assert export.status_code == 302
    assert export.headers["Location"] == f"/admin/login?next=/admin/sites/{site.id}/export.json"
    assert snapshot() == before


def test_the_import_form_needs_its_csrf_token(dashboard, example_site):
    before = snapshot()
    response = dashboard.client.post(
        f"/admin/sites/{example_site.id}/import",
        data={"format": "disqus", "file": (BytesIO(DISQUS_FIXTURE.read_bytes()), "d.xml")})
    assert response.status_code == 400
    assert snapshot() == before


def test_uploading_the_disqus_fixture_imports_it_reports_it_and_logs_it(
        dashboard, superadmin, example_site, client):
    response = upload_file(dashboard, example_site, "disqus", DISQUS_FIXTURE)
    assert response.status_code == 200, field_error(response.text)
    page = text_of(response.text)
    assert "Imported “disqus-isso.xml” Format Disqus XML export Threads created" in page
    assert "Threads created 1 " in page
    assert "Existing threads with new comments 0 " in page
    assert "Comments imported 2 (approved: 2) " in page
    assert "Already here from an earlier import 0 " in page
    assert "Skipped 2 " in page
    assert "thread 3: The article URL is missing." in page
    assert "comment 6 (thread 1337): orphan: its thread 1337 is not in the file" in page
    assert selected_format(response.text) == "disqus"  # the next file is likely the same kind

    thread = db.session.scalars(select(Thread)).one()
    assert (thread.site_id, thread.url, thread.title) == (
        example_site.id, "http://example.org/", "Hello, World!")
    # The public thread shows them, the reply under its parent.
    thread_page = client.get(thread_url(example_site, "http://example.org/"))
    assert thread_page.status_code == 200
    assert "2 comments" in thread_page.text
    first, reply = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert reply.parent_id == first.id
    assert re.search(rf'id=c-{reply.id} data-parent={first.id}>', thread_page.text)
    assert "Hello, World." in thread_page.text and ">peter<" in thread_page.text

    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.admin_id, entry.site_id) == ("import", superadmin.id,
                                                            example_site.id)
    assert entry.details.splitlines() == [
        "disqus: disqus-isso.xml",
        "Threads created: 1",
        "Existing threads with new comments: 0",
        "Comments imported: 2 (approved: 2)",
        "Already here from an earlier import: 0",
        "Skipped: 2",
        "Imported with a note: 0",
    ]
    log = text_of(dashboard.get("/admin/audit").text)
    assert "boss@example.org imported comments — Example" in log
    assert "Comments imported: 2 (approved: 2)" in log


def test_uploading_again_adds_nothing_twice(dashboard, example_site):
    assert upload_file(dashboard, example_site, "disqus", DISQUS_FIXTURE).status_code == 200
    comments_before = db.session.execute(select(Comment.id, Comment.parent_id)).all()
    again = upload_file(dashboard, example_site, "disqus", DISQUS_FIXTURE)
    assert again.status_code == 200
    page = text_of(again.text)
    assert "Threads created 0 " in page and "Comments imported 0 " in page
    assert "Already here from an earlier import 2 " in page
    assert db.session.execute(select(Comment.id, Comment.parent_id)).all() == comments_before
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 2  # each upload is logged


def test_uploading_the_wordpress_fixture(dashboard, client):
    site = make_site("Old blog", origins=["http://example.tld"])
    response = upload_file(dashboard, site, "wordpress", WORDPRESS_FIXTURE)
    assert response.status_code == 200, field_error(response.text)
    page = text_of(response.text)
    # 8 comments, not the 7 of the fixtures' README (see test_import_wordpress.py)
    assert "Threads created 2 " in page and "Comments imported 8 (approved: 8) " in page
    assert "thread item-3 (http://example.tld/?p=6): it has no comments" in page
    urls = db.session.scalars(select(Thread.url).order_by(Thread.id)).all()
    assert urls == ["http://example.tld/2014/test", "http://example.tld/?p=4"]
    thread_page = client.get(thread_url(site, "http://example.tld/2014/test/"))
    assert thread_page.status_code == 200 and "7 comments" in thread_page.text


def test_uploading_an_isso_database_leaves_no_temporary_file(dashboard, client, tmp_path,
                                                             monkeypatch):
    site = make_site("Isso blog", origins=["https://blog.example.com"])
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # where the copy for SQLite goes
    response = upload_file(dashboard, site, "isso", ISSO_FIXTURE)
    assert response.status_code == 200, field_error(response.text)
    assert "Threads created 2 " in text_of(response.text)
    assert "Comments imported 7 " in text_of(response.text)
    assert os.listdir(temporary) == []
    thread_page = client.get(thread_url(site, "https://blog.example.com/2024/hello"))
    assert thread_page.status_code == 200 and "4 comments" in thread_page.text


def test_isso_paths_join_the_origin_chosen_when_the_site_has_several(dashboard):
    site = make_site("Two origins", origins=["https://blog.example.com", "https://old.example.com"])
    html = dashboard.get(f"/admin/sites/{site.id}").text
    assert ">Origin of the Isso paths</label>" in html
    refused = upload_file(dashboard, site, "isso", ISSO_FIXTURE, base_url="https://evil.example")
    assert refused.status_code == 422
    assert field_error(refused.text, "base_url") == "Choose one of the site's origins."
    assert db.session.scalar(select(func.count(Thread.id))) == 0
    response = upload_file(dashboard, site, "isso", ISSO_FIXTURE,
                           base_url="https://old.example.com")
    assert response.status_code == 200
    assert db.session.scalars(select(Thread.url).order_by(Thread.url)).all() == [
        "https://old.example.com/2024/hello", "https://old.example.com/2024/second"]
    assert 'selected value="https://old.example.com"' in response.text


def test_export_downloads_what_the_command_writes_and_restores_elsewhere(
        dashboard, example_site, runner, superadmin):
    upload_file(dashboard, example_site, "disqus", DISQUS_FIXTURE)
    response = dashboard.get(f"/admin/sites/{example_site.id}/export.json")
    exported = response.data
    response.close()  # as a server does once it has sent the file
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename=comments-{example_site.key}-")
    assert disposition.endswith(".json")
    command = runner.invoke(args=["export", "--site", example_site.key])
    assert command.exit_code == 0
    assert exported == command.output.encode()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.admin_id, entry.site_id) == (superadmin.id, example_site.id)

    copy = make_site("Copy", origins=["http://example.org"])
    restored = upload(dashboard, copy, "json", exported, file_name="backup.json")
    assert restored.status_code == 200, field_error(restored.text)
    page = text_of(restored.text)
    assert "Imported “backup.json” Format JSON export of this service " in page
    assert "Comments imported 2 (approved: 2) " in page
    assert f"site {example_site.key}: imported into site {copy.key}" in page
    copied = db.session.scalars(select(Comment.text).join(Thread).where(Thread.site_id == copy.id)
                                .order_by(Comment.id)).all()
    assert copied == ["...", "<p>Hello, World.</p>"]


WORDPRESS_AS_DISQUS = "This is not a Disqus export: its root element is <rss>, not <disqus>."
REFUSALS = [
    # (format, content, file name, message beside the file field: its start)
    ("disqus", None, None, "Choose the file to import."),
    ("json", b"", "", "Choose the file to import."),  # what a browser sends with no file
    ("wordpress", b"", "empty.xml", "The file is empty."),
    ("disqus", WORDPRESS_FIXTURE.read_bytes(), "wordpress.xml", WORDPRESS_AS_DISQUS),
    ("wordpress", DISQUS_FIXTURE.read_bytes(), "disqus.xml",
     "This is not a WordPress (WXR) export: its root element is <disqus>, not <rss>."),
    ("isso", b"Just some notes, not a database.\n", "notes.txt",
     "This is not an Isso database: file is not a database."),
    ("isso", DISQUS_FIXTURE.read_bytes(), "disqus.xml",
     "This is not an Isso database: file is not a database."),
    ("json", DISQUS_FIXTURE.read_bytes(), "disqus.xml", "The file is not valid JSON ("),
    ("json", b'{"format": "something-else", "sites": []}', "other.json",
     'This is not a widget export: "format" must be "widget-export"'),
    ("disqus", DISQUS_FIXTURE.read_bytes()[:-40], "cut.xml", "The file is not well-formed XML ("),
    ("disqus", BILLION_LAUGHS.format(root=BODIES["disqus"][0], body=BODIES["disqus"][1].format(
        entity="lol9")).encode(), "bomb.xml", "The file declares XML entities"),
    ("wordpress", BILLION_LAUGHS.format(root=BODIES["wordpress"][0], body=BODIES["wordpress"][1]
                                        .format(entity="lol9")).encode(), "bomb.xml",
     "The file declares XML entities"),
    ("disqus", EXTERNAL_ENTITY.format(root=BODIES["disqus"][0], body=BODIES["disqus"][1].format(
        entity="secret")).encode(), "xxe.xml", "The file declares XML entities"),
    ("wordpress", EXTERNAL_ENTITY.format(root=BODIES["wordpress"][0], body=BODIES["wordpress"][1]
                                         .format(entity="secret")).encode(), "xxe.xml",
     "The file declares XML entities"),
]


@pytest.mark.parametrize("format_name, content, file_name, message", REFUSALS,
                         ids=[f"{refusal[0]}-{refusal[2]}" for refusal in REFUSALS])
def test_bad_files_are_refused_beside_the_field_and_change_nothing(
        dashboard, example_site, format_name, content, file_name, message):
    make_comment(make_thread(example_site, url="http://example.org/"), "Here before")
    before = snapshot()
    response = upload(dashboard, example_site, format_name, content, file_name=file_name)
    assert response.status_code == 422
    error = field_error(response.text)
    assert error and error.startswith(message), error
    assert selected_format(response.text) == format_name
    assert 'aria-invalid="true"' in response.text
    assert 'aria-describedby="file-hint file-error"' in response.text
    assert "Imported “" not in response.text
    assert "root:" not in response.text  # nothing of /etc/passwd
    db.session.expire_all()
    assert snapshot() == before


def test_an_unknown_format_is_refused(dashboard, example_site):
    before = snapshot()
    response = upload_file(dashboard, example_site, "blogger", DISQUS_FIXTURE)
    assert response.status_code == 422
    assert field_error(response.text, "format") == "Not a valid choice."
    assert snapshot() == before


@pytest.mark.parametrize("format_name", ["disqus", "wordpress", "isso", "json"])
@pytest.mark.parametrize("content", [
    bytes(range(256)) * 4,
    b"\xef\xbb\xbf<?xml version='1.0' encoding='latin-1'?><disqus>\xe9</disqus>",
    b"<disqus xmlns='http://disqus.com'><thread/><post/></disqus>",
    b'{"format": "widget-export", "version": 1, "sites": [{"threads": [{"comments": 5}]}]}',
    b"SQLite format 3\x00" + b"\x00" * 200,
], ids=["binary", "bad-encoding", "empty-elements", "odd-json", "broken-sqlite"])
def test_odd_files_never_make_a_500(dashboard, example_site, format_name, content):
    response = upload(dashboard, example_site, format_name, content, file_name="odd")
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert field_error(response.text)


@pytest.mark.parametrize("app_config", [{"IMPORT_MAX_BYTES": 100_000, "MAX_CONTENT_LENGTH": 4096}])
def test_the_upload_limit_is_its_own_and_says_so_beside_the_field(dashboard, example_site,
                                                                   moderator_board, site):
    # Under the import limit, over the limit of every other request: imported.
    padded = DISQUS_FIXTURE.read_bytes().replace(b"<!-- regular post -->",
                                                 b"<!-- " + b"x" * 5000 + b" -->")
    assert 4096 < len(padded) < 100_000
    assert upload(dashboard, example_site, "disqus", padded).status_code == 200
    before = snapshot()

    response = upload(dashboard, example_site, "disqus", padded + b" " * 100_000)
    assert response.status_code == 413
    assert field_error(response.text) == (
        "This file is larger than the 0.1 MB an upload may be. Import it with the command line "
        "instead (see “Import and export” in the README).")
    assert "<h1>Site “Example”</h1>" in response.text  # the site's page, not a bare error
    assert 'value="Example"' in response.text  # its settings form as stored
    # Every other form keeps MAX_CONTENT_LENGTH, the settings form beside it too …
    too_long = dashboard.post(f"/admin/sites/{example_site.id}",
                              data={"name": "Example", "origins": "http://example.org",
                                    "moderation": "none", "custom_css": "a{}" * 2000})
    assert too_long.status_code == 413 and "KiB" in too_long.text
    # … and so does the import for anyone but a superadmin.
    assert upload(moderator_board, site, "disqus", padded).status_code == 413
    assert snapshot() == before
