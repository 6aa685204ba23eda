"""Property tests: what a commenter writes reaches readers, feeds and exports faithfully.

For generated Markdown (entity text, escapes, links, nesting, characters XML forbids),
the sanitized HTML is a fixed point of a second cleaning, every feed is well-formed XML,
and an export restored and exported again gives the same bytes. Same budget as
test_fuzz.py (WIDGET_FUZZ_PROFILE=deep for a longer hunt).
"""

from xml.etree import ElementTree

import feedparser
from hypothesis import example, given
from hypothesis import strategies as st

from widget.embed.forms import clean_comment_text, is_forbidden_character
from widget.extensions import db
from widget.markup import clean_html, render_comment

from .conftest import make_comment, make_site, make_thread
from .test_export import empty_database, export_text, restore
from .test_feeds import thread_feed_path
from .test_fuzz import FUZZ

pieces = st.sampled_from([
    "word", "Ünïcode 東京", " ", "\n", "\n\n", "    ", "&", "&amp;", "&amp;amp;lt;", "&copy;",
    "&amp;copy;", "&#x41;", "&#0;", "&lt;b&gt;", "\\&lt;b\\&gt;", "\\", "*", "**", "_", "`",
    "```\n", "> ", ">>>> ", "- ", "  - ", "1. ", "[", "]", "(", ")", "](", "x[0](y)",
    "[t](https://example.com/?a=1&b=2)", "[t](/relative)", "<https://example.org>",
    "https://example.com/p?q=1&amp;r=2", "www.example.org", "https://exa\u00admple.com/x",
    "mailto:a@example.org", "javascript:alert(1)", "<script>", "<b>", "\"", "'", "\u00ad",
    "\ufffe", "\uffff", "\x01", "\u202e", "💩",
])
# What the form stores as comment text: no NUL (PostgreSQL) and no lone surrogates.
storable = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
# Comment text as the form stores it (clean_comment_text drops control characters).
markdown = st.one_of(
    st.lists(pieces, max_size=25).map("".join),
    st.lists(st.one_of(pieces, st.text(storable, max_size=8)), max_size=15).map("".join),
).map(clean_comment_text)
# Names as the form takes them: trimmed, not empty, no control characters.
names = st.one_of(st.just("Ann"), st.text(storable, min_size=1, max_size=30).map(str.strip).filter(
    lambda name: name and not any(is_forbidden_character(char) for char in name)))


@FUZZ
@given(source=markdown)
@example(source="Plain *words* & a [link](https://example.com/?a=1&b=2)")
@example(source="&amp;amp;lt; &amp;copy; \\&lt;b\\&gt;")
def test_sanitized_html_is_stable_under_a_second_cleaning(source):
    html = render_comment(source)
    assert clean_html(html) == html
    assert clean_html(clean_html(html)) == html


def parses_as_xml(response):
    assert response.status_code == 200
    ElementTree.fromstring(response.data)
    assert not feedparser.parse(response.data).bozo


def test_every_feed_parses_as_xml(client, site):
    thread = make_thread(site, title="Hello")
    accepted = []

    @FUZZ
    @given(text=markdown, author=names, title=names,
           website=st.one_of(st.none(), names.map(lambda text: "https://example.org/" + text)))
    @example(text="Hello", author="Ann", title="Hello", website=None)
    def write_anything(text, author, title, website):
        thread.title = title
        make_comment(thread, text=text, author=author, website=website)
        db.session.commit()
        parses_as_xml(client.get(thread_feed_path(site)))
        parses_as_xml(client.get(f"/feed/{site.key}.atom"))
        accepted.append(text)

    write_anything()
    assert accepted, "no example was written, so no feed was checked"


def test_export_restore_export_gives_the_same_bytes(app):
    restored = []

    @FUZZ
    @given(texts=st.lists(markdown, min_size=1, max_size=3), author=names)
    @example(texts=["Hello", "> a *reply*"], author="Ann")
    def round_trip(texts, author):
        empty_database()
        thread = make_thread(make_site(), title="Round trip")
        parent = None
        for text in texts:
            parent = make_comment(thread, text=text, author=author, parent=parent)
        db.session.commit()
        exported = export_text()
        empty_database()
        restore(exported)
        assert export_text() == exported
        restored.append(exported)

    round_trip()
    assert restored, "no example was restored"
