"""WordPress exports as other projects keep them (tests/peers.py), through the command:
notes, pingbacks and trackbacks left out and counted, protected posts' comments pending."""

from datetime import datetime

from sqlalchemy import select

from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread

from .conftest import make_site
from .peers import edited, gzipped, peer, wxr_with_cjk_comment
from .test_import_peers_disqus import comments, run

THEME_DATA = "wpimporter-theme-unit-test-data.xml"


def test_private_editorial_notes_are_skipped_and_counted(app, runner):
    site = make_site(origins=["https://playground.wordpress.net"])
    result = run(runner, site, peer("wpimporter-wxr-with-note-comments.xml"), "wordpress")
    assert result.exit_code == 0, result.output
    assert "Comments: 1 added (1 approved)" in result.output
    assert "Skipped 2:" in result.output
    assert result.output.count("a private editorial note (WordPress 6.9), never shown to "
                               "readers") == 2
    assert [comment.status for comment in comments()] == [CommentStatus.APPROVED]


def test_pingbacks_and_trackbacks_are_skipped_and_protected_posts_wait(app, runner):
    site = make_site(origins=["https://wpthemetestdata.wordpress.com"])
    result = run(runner, site, peer(THEME_DATA), "wordpress")
    assert result.exit_code == 0, result.output
    assert "Comments: 29 added" in result.output
    assert result.output.count("a pingback (another site's link to the post)") == 2
    assert result.output.count("a trackback (another site's link to the post)") == 2
    assert ("thread 1168 (https://wpthemetestdata.wordpress.com/2012/01/04/"
            "template-password-protected/): the post is password-protected: its 1 comment "
            "was imported as pending") in result.output
    protected = db.session.scalars(select(Comment).where(
        Comment.import_key == "wordpress:926")).one()
    assert protected.status == CommentStatus.PENDING
    keys = {comment.import_key for comment in comments()}
    assert not keys & {f"wordpress:{number}" for number in range(921, 925)}


def test_a_newline_before_the_declaration_is_skipped_and_said(app, runner):
    site = make_site(origins=["https://realmenweardress.es"])
    result = run(runner, site, peer("remark42-wordpress-asis.xml"), "wordpress")
    assert result.exit_code == 0, result.output
    assert "1 character before the XML declaration or root element: skipped ('\\n')" \
        in result.output
    assert "Comments: 3 added" in result.output
    assert "a pingback (another site's link to the post), not a comment" in result.output


def test_an_item_without_a_date_starts_with_its_earliest_comment(app, runner, tmp_path):
    site = make_site(origins=["https://realmenweardress.es"])
    path = edited("remark42-wordpress-asis.xml", tmp_path,
                  ("<wp:post_date><![CDATA[2010-07-19 14:24:22]]></wp:post_date>", ""),
                  ("<wp:post_date_gmt><![CDATA[2010-07-19 14:24:22]]></wp:post_date_gmt>",
                   "<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>"))
    run(runner, site, path, "wordpress")
    thread = db.session.scalars(select(Thread)).one()
    assert thread.created_at == datetime(2010, 7, 20, 12, 8, 8)
    assert min(comment.created_at for comment in comments()) == thread.created_at


def test_a_gzipped_wxr_is_read(app, runner, tmp_path):
    site = make_site(origins=["https://playground.wordpress.net"])
    result = run(runner, site, gzipped(peer("wpimporter-wxr-with-note-comments.xml"), tmp_path),
                 "wordpress")
    assert result.exit_code == 0, result.output
    assert "was gzip-compressed" in result.output and len(comments()) == 1


def test_chinese_text_gets_no_invented_links(app, runner, tmp_path):
    site = make_site(origins=["https://playground.wordpress.net"])
    run(runner, site, wxr_with_cjk_comment(tmp_path), "wordpress")
    (comment,) = comments()
    assert comment.html.startswith("<p>木有我的.com，哈哈。详见<a href=\"http://www.example.com\"")
