"""The sanitizer: a Markdown subset in, allowlisted HTML out, nothing executable ever."""

import re
from urllib.parse import quote

import pytest
from html.parser import HTMLParser

from widget.markup import ALLOWED_TAGS, clean_html, render_comment

from .conftest import form_token

XSS_VECTORS = [
    # script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\x20type=\"text/javascript\">javascript:alert(1);</script>",
    "<<SCRIPT>alert(1);//<</SCRIPT>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>",
    # javascript:/data:/vbscript: URLs with entity and whitespace tricks
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](java%0Ascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "[a][ref]\n\n[ref]: javascript:alert(1)",
    "[x](  \x01javascript:alert(1))",
    # SVG and MathML
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">CLICK</math>",
    # style
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<div style=\"width:expression(alert(1))\">x</div>",
    # iframe/object/embed
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"data:image/svg+xml;base64,PHN2Zz4=\">",
    # meta and base
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    # markdown link and image tricks
    "![x](javascript:alert(1))",
    "![x\"onerror=\"alert(1)](https://img.example/x.png)",
    "[x](https://ok.example \"title\\\" onmouseover=alert(1) x=\\\"\")",
    "[<img src=x onerror=alert(1)>](https://ok.example)",
    "[x](https://ok.example)<script>alert(1)</script>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    # attribute breakouts
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<a href='https://ok.example' title='x' onmouseover='alert(1)'>x</a>",
    "<a href=\"https://ok.example\"\"onmouseover=alert(1)>x</a>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "https://ok.example/\"onmouseover=\"alert(1)",
]

ALLOWED_ATTRIBUTES = {"href", "title", "rel", "target", "start"}
# Added on output (markup.trusted) so code blocks can be scrolled from the keyboard; never
# taken from what a commenter typed.
ADDED_ON_OUTPUT = {("pre", "tabindex", "0")}


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


class TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def shown_text(html):
    """The text a browser shows for the HTML, without line breaks."""
    collector = TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts).replace("\n", "").strip()


def dangerous_parts(html):
    """Every element, attribute or link target outside the allowlist found in the HTML."""
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    found = []
    for tag, attrs in collector.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"element {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES and (tag, name, value) not in ADDED_ON_OUTPUT:
                found.append(f"attribute {name}")
            if name == "href" and not re.match(r"^(https?://|mailto:)", value or ""):
                found.append(f"href {value!r}")
    return found


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_xss_vector_is_neutralized(vector):
    assert dangerous_parts(render_comment(vector)) == []


def test_there_are_at_least_fifty_vectors():
    assert len(XSS_VECTORS) >= 50


def test_the_checker_itself_catches_dangerous_markup():
    assert dangerous_parts('<img src=x onerror=alert(1)>') == ["element img", "attribute src", "attribute onerror"]
    assert dangerous_parts('<a href="javascript:alert(1)">x</a>') == ["href 'javascript:alert(1)'"]


def test_xss_vectors_through_the_page(client, site):
    """Posted for real, every vector renders inert in the thread page too."""
    url = f"/t/{site.key}?url={quote('https://blog.example.com/xss', safe='')}"
    for vector in XSS_VECTORS:
        token = form_token(client.get(url).text)
        response = client.post(url, data={"csrf_token": token, "name": "<b>X</b>", "text": vector})
        assert response.status_code == 303, vector
    page = client.get(url).text
    bodies = re.findall(r'<div class=comment-body dir=auto>(.*?)</div><footer>', page, re.S)
    assert len(bodies) == len(XSS_VECTORS)
    for body in bodies:
        assert dangerous_parts(body) == []
    assert "<b>X</b>" not in page and "&lt;b&gt;X&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("*em* **strong**", "<p><em>em</em> <strong>strong</strong></p>"),
        ("`code`", "<p><code>code</code></p>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
        ("3. c\n4. d", '<ol start="3">\n<li>c</li>\n<li>d</li>\n</ol>'),
        ("one\ntwo", "<p>one<br>\ntwo</p>"),
        ("# not a heading", "<p># not a heading</p>"),
        ("<b>raw html</b>", "<p>&lt;b&gt;raw html&lt;/b&gt;</p>"),
        ("[site](https://ok.example)",
         '<p><a href="https://ok.example" rel="nofollow ugc noopener noreferrer" target="_blank">site</a></p>'),
        ("mail [me](mailto:a@example.org)",
         '<p>mail <a href="mailto:a@example.org" rel="nofollow ugc noopener noreferrer" target="_blank">me</a></p>'),
        ("see https://ok.example.com/x",
         '<p>see <a href="https://ok.example.com/x" rel="nofollow ugc noopener noreferrer" target="_blank">https://ok.example.com/x</a></p>'),
        # a link whose target is refused is no link: the text stays as typed
        ("[relative](/admin)", "<p>[relative](/admin)</p>"),
    ],
)
def test_markdown_subset(source, html):
    assert render_comment(source) == html


@pytest.mark.parametrize(("source", "shown"), [
    ("&amp;copy;", "&copy;"),
    ("\\&lt;b\\&gt;", "&lt;b&gt;"),
    ("&amp;amp;lt;", "&amp;lt;"),
    ("&copy; 2026 &lt;b&gt;", "© 2026 <b>"),
    ("Tom & Jerry &amp; co", "Tom & Jerry & co"),
    ("see https://x.example.com/?a=1&b=2 &amp;copy;", "see https://x.example.com/?a=1&b=2 &copy;"),
])
def test_a_reader_sees_what_commonmark_shows(source, shown):
    """Entity text typed literally stays literal: bleach's linkifier must not read it again."""
    html = render_comment(source)
    assert shown_text(html) == shown
    assert clean_html(html) == html


def test_cleaning_twice_changes_nothing():
    once = render_comment("&amp;amp;lt;")
    assert clean_html(once) == once
    assert clean_html(clean_html("<p>&amp;amp;lt; &amp;copy;</p>")) == "<p>&amp;amp;lt; &amp;copy;</p>"


@pytest.mark.parametrize("source", [
    "x[0](y)", "[a link](/relative)", "[a](//evil.example/x)", "see [t](javascript:alert(1))",
    "[a][ref]\n\n[ref]: /elsewhere",
])
def test_a_refused_link_keeps_the_text_as_typed(source):
    html = render_comment(source)
    assert "<a " not in html
    assert "".join(shown_text(html).split()) == "".join(source.split())


def test_a_soft_hyphen_in_a_bare_url_keeps_the_whole_link():
    html = render_comment("see https://exam\u00adple.com/long\u00adpath now")
    assert re.findall(r'href="([^"]+)"', html) == ["https://example.com/long\u00adpath"]
    assert ">https://exam\u00adple.com/long\u00adpath</a> now" in html
    assert clean_html(html) == html


def deep_list(levels):
    return "".join("  " * level + f"- word{level}\n" for level in range(levels))


def deep_quote(levels):
    return "\n".join(">" * level + f" word{level}" for level in range(1, levels + 1))


@pytest.mark.parametrize("source", [deep_list(9), deep_list(10), deep_list(30), deep_quote(19),
                                    deep_quote(20), deep_quote(60), "> " * 500 + "word",
                                    "1. " * 40 + "word", "- > " * 30 + "word"])
def test_deep_nesting_keeps_every_word(source):
    words = re.findall(r"word\d*", source)
    assert re.findall(r"word\d*", shown_text(render_comment(source))) == words


def test_nesting_deeper_than_the_limit_is_flattened_into_text():
    html = render_comment(deep_quote(25))
    assert 10 <= html.count("<blockquote>") < 25
    assert "&gt;&gt;&gt; word21" in html  # the markers beyond the limit stay as typed
