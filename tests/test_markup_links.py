"""Auto-linking at the word boundaries a reader sees: in CJK text (no spaces between
words) only links with a scheme or www.; a bare domain only where it stands on its own."""

import pytest

from widget.markup import clean_html, render_comment, render_markdown_with_html

ATTRS = 'rel="nofollow ugc noopener noreferrer" target="_blank"'


def link(href, text=None):
    return f'<a href="{href}" {ATTRS}>{text or href}</a>'


@pytest.mark.parametrize(("text", "html"), [
    ("木有我的.com", "<p>木有我的.com</p>"),  # a sentence, not a host
    ("看 木有我的.com 吧", "<p>看 木有我的.com 吧</p>"),
    ("我的example.com网站", "<p>我的example.com网站</p>"),  # glued to the words around it
    ("访问http://example.com的网站", f"<p>访问{link('http://example.com')}的网站</p>"),
    ("请看www.example.com吧", f"<p>请看{link('http://www.example.com', 'www.example.com')}吧</p>"),
    ("see example.com.", f"<p>see {link('http://example.com', 'example.com')}.</p>"),
    ("(example.org)", f"<p>({link('http://example.org', 'example.org')})</p>"),
    ("bücher.de is nice", f"<p>{link('http://bücher.de', 'bücher.de')} is nice</p>"),
    ("file.txt and a@example.com", "<p>file.txt and a@example.com</p>"),
    ("https://example.com:8080/a", f"<p>{link('https://example.com:8080/a')}</p>"),
])
def test_links_only_where_a_reader_sees_one(text, html):
    assert render_comment(text) == html


def test_imported_html_and_isso_text_follow_the_same_rule():
    assert clean_html("<p>木有我的.com，哈哈</p>") == "<p>木有我的.com，哈哈</p>"
    assert render_markdown_with_html("<p>木有我的.com</p>") == "<p>木有我的.com</p>"
    assert clean_html("<p>见www.example.com</p>") == (
        f"<p>见{link('http://www.example.com', 'www.example.com')}</p>")
