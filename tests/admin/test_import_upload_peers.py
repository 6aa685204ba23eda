"""The dashboard upload with real export files (tests/peers.py): each fault of the
importers (issue 18) checked through the page a site owner uses."""

from sqlalchemy import func, select

from tests.peers import isso_db_with_html
from widget.extensions import db
from widget.models import Comment, Thread

from .conftest import make_site
from .test_import_upload import text_of, upload, upload_file


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
