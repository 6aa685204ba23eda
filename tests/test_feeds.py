"""Atom feeds of approved comments, per thread and per site, parsed by feedparser."""

import re
from urllib.parse import quote, unquote
from xml.etree import ElementTree

import feedparser
import pytest
from sqlalchemy import select

from tests.commenting import post_form, thread_path
from tests.conftest import ARTICLE, make_comment, make_site, make_thread
from widget.extensions import db
from widget.models import Comment, CommentStatus


def thread_feed_path(site, url=ARTICLE):
    return f"/feed/{site.key}/thread.atom?url={quote(url, safe='')}"


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def test_thread_feed_lists_approved_comments_without_emails(client, site):
    thread = make_thread(site, title="Hello & <welcome>")
    first = make_comment(thread, text="First **bold** <script>x</script>", email="ann@secret.org",
                         website="https://ann.example.com")
    make_comment(thread, text="Waiting", status=CommentStatus.PENDING)
    make_comment(thread, text="Gone", status=CommentStatus.DELETED)
    latest = make_comment(thread, text="Second", author="Bob", parent=first)

    response = client.get(thread_feed_path(site))
    assert b"secret.org" not in response.data
    feed = parse(response)
    assert feed.feed.title == "Comments on Hello & <welcome>"
    assert [entry.link for entry in feed.entries] == [
        f"{ARTICLE}#c-{latest.id}", f"{ARTICLE}#c-{first.id}"]
    assert feed.entries[1].author == "Ann"
    assert feed.entries[1].title == "Ann on Hello & <welcome>"
    assert "<strong>bold</strong>" in feed.entries[1].content[0].value
    assert "<script>" not in feed.entries[1].content[0].value
    assert not any("Waiting" in entry.content[0].value or "Gone" in entry.content[0].value
                   for entry in feed.entries)
    self_link = [link.href for link in feed.feed.links if link.rel == "self"][0]
    assert self_link.startswith("http://comments.test/feed/")


def test_site_feed_spans_threads(client, site):
    one = make_comment(make_thread(site, url="https://blog.example.com/one"), text="on one")
    two = make_comment(make_thread(site, url="https://blog.example.com/two"), text="on two")
    other_site = make_site(name="Other", origins=("https://other.example.com",))
    other_site_comment = make_comment(
        make_thread(other_site, url="https://other.example.com/x"), text="elsewhere")
    feed = parse(client.get(f"/feed/{site.key}.atom"))
    links = [entry.link for entry in feed.entries]
    assert links == ["https://blog.example.com/two#c-%d" % two.id,
                     "https://blog.example.com/one#c-%d" % one.id]
    assert other_site_comment.id not in [int(link.split("-")[-1]) for link in links]


def test_an_empty_thread_has_a_valid_empty_feed(client, site):
    feed = parse(client.get(thread_feed_path(site, "https://blog.example.com/none")))
    assert feed.entries == []


def test_thread_page_links_its_feed(client, site):
    page = client.get(thread_path(site)).get_data(as_text=True)
    href = re.search(r'<link rel="alternate" type="application/atom\+xml" title="Comments feed" '
                     r'href="([^"]+)"', page).group(1)
    # lang: feed readers send no Accept-Language; the feed speaks the page's language
    assert (unquote(href.replace("&amp;", "&"))
            == f"/feed/{site.key}/thread.atom?url={ARTICLE}&lang=en")
    parse(client.get(href.replace("&amp;", "&")))


def test_feed_refusals(client, site):
    assert client.get("/feed/nope.atom").status_code == 404
    assert client.get(thread_feed_path(site, "https://evil.example/x")).status_code == 404
    assert client.get(f"/feed/{site.key}/thread.atom?url=notaurl").status_code == 400


XML_FORBIDDEN = "\ufffe\uffff\x01\x0b\x1f"  # PostgreSQL stores no NUL or surrogate


def test_characters_xml_forbids_in_stored_data_do_not_break_the_feeds(client, site):
    """Data stored before the forms dropped them (or imported) is cleared on output."""
    site.name = f"Blog{XML_FORBIDDEN}"
    thread = make_thread(site, title=f"Title{XML_FORBIDDEN}")
    comment = make_comment(thread, text="ok", author=f"Ann{XML_FORBIDDEN}",
                           website=f"https://ann.example.com/{XML_FORBIDDEN}")
    comment.html = f"<p>body{XML_FORBIDDEN}</p>"  # as an old row may hold it
    db.session.commit()
    for path in (thread_feed_path(site), f"/feed/{site.key}.atom"):
        response = client.get(path)
        ElementTree.fromstring(response.data)  # well-formed XML, or this raises
        (entry,) = parse(response).entries
        assert entry.author == "Ann" and entry.content[0].value == "<p>body</p>"
        assert entry.title == "Ann on Title"


def test_posted_text_loses_the_characters_xml_forbids(client, site):
    response = post_form(client, site, text="A\ufffeB\uffffC", name="Ann")
    assert response.status_code == 303
    assert db.session.scalars(select(Comment.text)).one() == "ABC"
    parse(client.get(thread_feed_path(site)))


@pytest.mark.parametrize("field", ["name", "website"])
def test_a_name_or_website_with_xml_forbidden_characters_is_refused_beside_the_field(
        client, site, field):
    values = {"name": "Ann", "website": "https://ann.example.com/"}
    values[field] += "\uffff"
    response = post_form(client, site, text="Hello", **values)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert db.session.scalars(select(Comment)).all() == []
