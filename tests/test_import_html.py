"""markup.clean_html: HTML from other comment systems, through the same allowlist."""

import pytest

from widget.markup import clean_html, render_comment

XSS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<svg onload=alert(1)>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    '<b onmouseover=alert(1)>bold</b>',
    '<<script>script>alert(1)<</script>/script>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="https://evil.example"><input name=x></form>',
    '<!--<script>alert(1)</script>-->',
]


@pytest.mark.parametrize("html", XSS)
def test_nothing_active_survives(html):
    cleaned = clean_html(html)
    lowered = cleaned.lower()
    for needle in ("<script", "<img", "<svg", "<iframe", "<form", "<input", "javascript:",
                   "data:", " on", "style="):
        assert needle not in lowered, (html, cleaned)


@pytest.mark.parametrize(("html", "cleaned"), [
    ("<p>Hello, World.</p>", "<p>Hello, World.</p>"),
    ("Erster!1", "<p>Erster!1</p>"),
    ("One\ntwo\n\nThree", "<p>One<br>\ntwo</p><p>Three</p>"),
    ("<b>bold</b> and <i>italic</i> and <B>loud</B>", "<p><strong>bold</strong> and <em>italic</em> and <strong>loud</strong></p>"),
    ("<blockquote>q</blockquote><br>", "<blockquote>q</blockquote><br>"),
    ("<pre>a\n\nb</pre>", "<pre>a\n\nb</pre>"),
    ('<a href="https://x.example/">x</a>',
     '<p><a href="https://x.example/" rel="nofollow ugc noopener noreferrer" target="_blank">x</a></p>'),
    ('<a href="/relative">rel</a>', "<p>rel</p>"),
    ("<div>in a div</div>", "<p>in a div</p>"),
    ("", ""),
    ("   \n ", ""),
])
def test_old_markup_becomes_ours(html, cleaned):
    assert clean_html(html) == cleaned


@pytest.mark.parametrize("source", XSS + [
    "<p>Hello</p>", "Plain\n\ntext", "see www.example.com & <b>more</b>", "x &quot;y&quot; &lt;z&gt;",
    "<ul><li>a</li></ul>", "<div>a</div>",
])
def test_cleaning_is_a_fixed_point(source):
    """A restored export re-cleans stored HTML: it must come out unchanged."""
    once = clean_html(source)
    assert clean_html(once) == once


@pytest.mark.parametrize("markdown", [
    "# not a heading\n\n*em* **strong** `code` \"quotes\" <b>raw</b> http://ex.com/a_b",
    "> quote\n\n- a\n- b\n\n```\ncode <x>\n```",
    "www.example.org and mail@example.org\nnext line",
    "[x](javascript:alert(1)) [y](https://a.example \"t\")",
    "",
])
def test_rendered_markdown_is_a_fixed_point_too(markdown):
    html = render_comment(markdown)
    assert clean_html(html) == html
