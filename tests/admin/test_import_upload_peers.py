"""The dashboard upload with real export files (tests/peers.py): each fault of the
importers (issue 18) checked through the page a site owner uses."""

from sqlalchemy import func, select

from tests.peers import (
    edited,
    gzipped,
    isso_db_with_html,
    peer,
    with_quoted_attribute,
    wxr_with_cjk_comment,
)
from widget.extensions import db
from widget.models import Comment, Thread

from .conftest import make_site
from .test_import_upload import field_error, text_of, upload, upload_file


def comment_by(author):
    return db.session.scalars(select(Comment).where(Comment.author == author)).one()


def test_isso_html_is_shown_formatted_and_likes_kept(dashboard, tmp_path):
    site = make_site(origins=["https://blog.example.com"])
    response = upload_file(dashboard, site, "isso", isso_db_with_html(tmp_path))
    assert response.status_code == 200
    page = text_of(response.text)
    assert "Comments imported 9 " in page
    assert "who liked them is not recoverable" in page
    mei = comment_by("Mei")
    assert mei.html.startswith("<p>Greetings, fellow reader.</p><p>See <a ")
    assert mei.like_count == 3
    assert db.session.scalar(select(Thread.url).where(Thread.id == mei.thread_id)).endswith(
        "/2017/01/24/%E5%85%B3%E4%BA%8E2016%E7%9A%84%E4%B8%80%E4%BA%9B%E6%80%9D%E8%80%83")


def test_a_disqus_file_without_its_xmlns(dashboard):
    site = make_site(origins=["http://example.com"])
    page = text_of(upload_file(dashboard, site, "disqus", peer("pygameweb-disqus.xml")).text)
    assert "Comments imported 4 (approved: 4)" in page


def test_a_gzipped_disqus_export(dashboard, tmp_path):
    site = make_site(origins=["http://example.com"])
    path = gzipped(peer("pygameweb-disqus.xml"), tmp_path)
    assert path.name == "pygameweb-disqus.xml.gz"
    page = text_of(upload_file(dashboard, site, "disqus", path).text)
    assert "Comments imported 4 (approved: 4)" in page
    assert "the file: was gzip-compressed; it was read uncompressed" in page


def test_a_deleted_disqus_thread_is_not_published(dashboard, tmp_path):
    site = make_site(origins=["https://radio-t.com", "http://radio-t.umputun.com"])
    path = with_quoted_attribute("remark42-disqus-deleted-thread.xml", tmp_path)
    # a browser sends the first origin of the (Isso-only) origin menu with every upload
    page = text_of(upload_file(dashboard, site, "disqus", path, base_url="https://radio-t.com").text)
    assert "Comments imported 2 (approved: 2)" in page
    assert "the thread was deleted in the export's system: its 4 comments were not " \
           "imported" in page
    assert "1 character before the XML declaration or root element: skipped ('`')" in page


def test_an_unquoted_attribute_is_refused_beside_the_field(dashboard):
    site = make_site(origins=["https://radio-t.com"])
    response = upload_file(dashboard, site, "disqus", peer("remark42-disqus.xml"))
    error = field_error(response.text)
    assert "not well-formed XML" in error and "line 147, column 23" in error
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_disqus_posts_without_ids_each_come_in_once(dashboard, tmp_path):
    site = make_site(origins=["http://example.org"])
    path = edited("isso-disqus.xml", tmp_path, ('<post dsq:id="4">', "<post>"),
                  ('<post dsq:id="11">', "<post>"), ('<parent dsq:id="4" />', ""))
    assert "Comments imported 5 " in text_of(upload_file(dashboard, site, "disqus", path).text)
    again = text_of(upload_file(dashboard, site, "disqus", path).text)
    assert "Comments imported 0 " in again
    assert "Already here from an earlier import 5 " in again
    assert db.session.scalar(select(func.count(Comment.id))) == 5


def test_a_disqus_file_with_no_posts_is_refused(dashboard):
    site = make_site(origins=["http://example.com"])
    text = peer("pygameweb-disqus.xml").read_text()
    response = upload(dashboard, site, "disqus",
                      (text[:text.index("<post")] + "</disqus>\n").encode(), "threads.xml")
    assert "it holds no <post> element: there is nothing to import" in field_error(response.text)
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_wordpress_notes_pingbacks_and_protected_posts(dashboard, tmp_path):
    site = make_site(origins=["https://wpthemetestdata.wordpress.com"])
    # gzipped: Werkzeug's test client leaves a temporary file open for bodies over 500 kB
    page = text_of(upload_file(dashboard, site, "wordpress",
                               gzipped(peer("wpimporter-theme-unit-test-data.xml"), tmp_path)).text)
    assert "Comments imported 29 " in page
    assert page.count("a pingback (another site's link to the post)") == 2
    assert page.count("a trackback (another site's link to the post)") == 2
    assert "the post is password-protected: its 1 comment was imported as pending" in page

    notes_site = make_site("Notes", origins=["https://playground.wordpress.net"])
    page = text_of(upload_file(dashboard, notes_site, "wordpress",
                               peer("wpimporter-wxr-with-note-comments.xml")).text)
    assert "Comments imported 1 (approved: 1)" in page
    assert page.count("a private editorial note (WordPress 6.9)") == 2


def test_a_newline_before_the_wxr_declaration(dashboard):
    site = make_site(origins=["https://realmenweardress.es"])
    page = text_of(upload_file(dashboard, site, "wordpress",
                               peer("remark42-wordpress-asis.xml")).text)
    assert "Comments imported 3 " in page
    assert "skipped ('\\n'); the rest of the file was read" in page


def test_a_broken_json_file_is_refused_with_its_line_and_column(dashboard):
    site = make_site()
    body = b'{"format": "widget-export",\n "version": 1,\n "sites": [ {"key": x} ]}'
    error = field_error(upload(dashboard, site, "json", body, "export.json").text)
    assert error == ("The file is not valid JSON (lexical error: invalid char in json text, "
                     "line 3, column 21); nothing was imported.")


def test_chinese_text_gets_no_invented_links(dashboard, tmp_path):
    site = make_site(origins=["https://playground.wordpress.net"])
    upload_file(dashboard, site, "wordpress", wxr_with_cjk_comment(tmp_path))
    assert comment_by("admin").html.startswith("<p>木有我的.com，哈哈。详见<a href=")
