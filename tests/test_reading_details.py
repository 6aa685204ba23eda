"""Small things a reader meets (issue 20, point 7): the heading above one's own pending
comment, where page 2 is, feeds in the page's language, focusable code blocks, the icon,
and what the 413 and the scripted 503 say."""

import html
import re

import pytest
from sqlalchemy.exc import OperationalError

from widget.models import CommentStatus, ModerationMode

from .abuse_helpers import JSON, comment_fields, fresh_token, post, thread_path
from .conftest import make_comment, make_thread


def heading(text):
    return html.unescape(re.search(r'<h1 class="thread-count"[^>]*>(.*?)</h1>', text, re.S)
                         .group(1).strip())


def test_the_heading_above_ones_own_pending_comment_is_not_no_comments_yet(client, site):
    site.moderation = ModerationMode.ALL
    assert heading(client.get(thread_path(site.key)).text) == "No comments yet"
    response = post(client, site.key, comment_fields(fresh_token(client, site.key), "Mine"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "Mine" in page and "awaiting moderation" in page
    assert heading(page) == "0 comments"


@pytest.mark.parametrize("app_config", [{"THREAD_PAGE_SIZE": 2}])
def test_a_later_page_says_where_the_reader_is(client, site):
    thread = make_thread(site)
    for index in range(5):
        make_comment(thread, f"Comment {index}")
    first = client.get(thread_path(site.key)).text
    assert 'class="page-where"' not in first
    second = client.get(thread_path(site.key, page=2)).text
    where = re.search(r'<p class="page-where page-position">(.*?)</p>', second, re.S).group(1)
    assert where.strip() == "page 2 of 3"
    assert second.index("page-where") < second.index('class="comment-list"')  # above them


def test_feed_entries_speak_the_language_of_the_page_that_links_them(client, site):
    thread = make_thread(site, title="Hallo")
    make_comment(thread, "Gut", author="Ann")
    page = client.get(thread_path(site.key, lang="de")).text
    feed_path = html.unescape(re.search(r'class="thread-feed" href="([^"]+)"', page).group(1))
    assert "lang=de" in feed_path
    feed = client.get(feed_path).text
    assert "<title>Ann zu Hallo</title>" in feed and 'xml:lang="de"' in feed
    site.default_language = "fr"
    assert "<title>Ann sur Hallo</title>" in client.get(f"/feed/{site.key}.atom").text


def test_code_blocks_can_be_focused_to_scroll(client, site):
    thread = make_thread(site)
    make_comment(thread, "```\n" + "x" * 300 + "\n```\n\nTyped <pre> stays text")
    page = client.get(thread_path(site.key)).text
    assert '<pre tabindex="0"><code>' in page
    assert "Typed &lt;pre&gt; stays text" in page


def test_every_page_links_the_icon_and_favicon_ico_finds_it(client, site):
    page = client.get(thread_path(site.key)).text
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', page).group(1)
    assert client.get(html.unescape(icon)).status_code == 200
    assert 'rel="icon"' in client.get("/admin/login").text
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301
    assert client.get(redirect.headers["Location"]).mimetype == "image/svg+xml"


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_too_large_says_where_the_text_still_is(client, site):
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "x" * 5000))
    assert response.status_code == 413
    assert "Your text is still in the comment form" in html.unescape(response.text)
    as_json = post(client, site.key, comment_fields(token, "x" * 5000), headers=JSON)
    assert "Back" not in as_json.json["message"]  # the script keeps the text in place


def test_the_scripted_503_does_not_claim_nothing_was_lost(client, site, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("server closed the connection"))

    monkeypatch.setattr("widget.embed.posting.post_comment", database_down)
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "Kept?"), headers=JSON)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "could not be saved" in response.json["message"]
    assert "Nothing you sent was lost" not in response.json["message"]
