"""Isso databases as they are in use: HTML from Isso's Disqus migrator shown formatted,
as Isso shows it; non-ASCII paths found by the URL a browser sends; likes as counts."""

from sqlalchemy import select

from widget.extensions import db
from widget.models import Comment, Thread

from .conftest import make_site
from .peers import isso_db_with_html

SHOWN = ('<p>Greetings, fellow reader.</p><p>See <a href="https://example.org/a" '
         'rel="nofollow ugc noopener noreferrer" target="_blank">this <strong>post</strong>'
         '</a> &amp; more.</p>')
BROWSER_URL = ("https://blog.example.com/2017/01/24/"
               "%e5%85%b3%e4%ba%8e2016%e7%9a%84%e4%b8%80%e4%ba%9b%e6%80%9d%e8%80%83/")


def by_author(name):
    return db.session.scalars(select(Comment).where(Comment.author == name)).one()


def test_the_command_renders_isso_html_as_isso_does(app, runner, tmp_path, client):
    site = make_site()
    result = runner.invoke(args=["import", "isso", str(isso_db_with_html(tmp_path)),
                                 "--site", site.key, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    mei = by_author("Mei")
    assert mei.html == SHOWN
    assert "&lt;p&gt;" not in mei.html
    assert by_author("Li").html == "<p>Plain <em>Markdown</em> reply</p>"
    assert by_author("Ann").html.startswith("<p>First <strong>comment</strong>")

    page = client.get(f"/t/{site.key}", query_string={"url": BROWSER_URL})
    assert page.status_code == 200
    assert "Greetings, fellow reader." in page.text and "&lt;p&gt;Greetings" not in page.text
    counts = client.get("/api/counts", query_string={"site": site.key, "url": BROWSER_URL})
    assert counts.json == {"counts": {BROWSER_URL: 2}}


def test_likes_come_over_as_counts_and_the_report_says_voters_do_not(app, runner, tmp_path):
    site = make_site()
    result = runner.invoke(args=["import", "isso", str(isso_db_with_html(tmp_path)),
                                 "--site", site.key, "--jobs", "1"])
    assert (by_author("Mei").like_count, by_author("Li").like_count) == (3, 0)
    assert "likes of 1 comment: carried over as like counts; who liked them is not " \
           "recoverable" in result.output


def test_the_thread_is_stored_in_the_normal_form(app, tmp_path):
    from widget.porting.service import run_import

    site = make_site()
    with open(isso_db_with_html(tmp_path), "rb") as isso:
        run_import("isso", isso, site)
    assert db.session.scalar(select(Thread.url).where(Thread.title == "关于2016的一些思考")) == (
        "https://blog.example.com/2017/01/24/"
        "%E5%85%B3%E4%BA%8E2016%E7%9A%84%E4%B8%80%E4%BA%9B%E6%80%9D%E8%80%83")
