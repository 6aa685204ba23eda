"""The sanitizer: a Markdown subset in, allowlisted HTML out, nothing executable ever."""

import re
from urllib.parse import quote

import pytest
from html.parser import HTMLParser

from widget.markup import ALLOWED_TAGS, render_comment

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


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


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
            if name not in ALLOWED_ATTRIBUTES:
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
    bodies = re.findall(r'<div class="comment-body" dir="auto">(.*?)</div>\n', page, re.S)
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
        ("[relative](/admin)", "<p>relative</p>"),
    ],
)
def test_markdown_subset(source, html):
    assert render_comment(source) == html
