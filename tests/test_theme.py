"""Themes: data-theme on the thread page, and each site's sanitized custom CSS."""

import re

import pytest

from widget.css_sanitizer import sanitize_css
from widget.extensions import db
from widget.models import Site

from .test_thread_page import thread_url

SITE_CSS = """
:root { --widget-accent: light-dark(#8e2b1f, #ff9d8f); --widget-font: Georgia, serif; }
.comment-author { letter-spacing: .02em }
@media (max-width: 400px) { :root { --widget-indent: .5rem } }
"""


@pytest.mark.parametrize(("theme", "expected"), [
    ("light", "light"), ("dark", "dark"), ("auto", "auto"), (None, "auto"), ("purple", "auto"),
    ('dark" onload="alert(1)', "auto"),
])
def test_thread_page_names_its_theme(client, site, theme, expected):
    html = client.get(thread_url(site, **({"theme": theme} if theme else {}))).text
    assert re.search(r"<html[^>]*>", html).group(0).endswith(f' data-theme="{expected}">')


@pytest.mark.parametrize(("css", "forbidden"), [
    ("@import url(https://evil.example/x.css); a { color: red }", "@import"),
    ('@import "https://evil.example/x.css";', "@import"),
    ("a { background: url(javascript:alert(1)) }", "javascript"),
    ('a { background: url("javascript:alert(1)") }', "javascript"),
    ("a { background: url('  JaVaScRiPt:alert(1)') }", "alert"),
    ('a { background: url("java\\73 cript:alert(1)") }', "cript"),
    ("a { background: url(vbscript:msgbox(1)) }", "vbscript"),
    ("a { background: url(data:text/html;base64,PHNjcmlwdD4=) }", "data:text"),
    ('a { background-image: image-set("javascript:alert(1)" 1x) }', "javascript"),
    ("a { width: expression(alert(1)) }", "expression"),
    ("a { width: expr\\65 ssion(alert(1)) }", "ssion"),
    ("a { behavior: url(script.htc) }", "behavior"),
    ("a { -moz-binding: url(x.xml#xss) }", "binding"),
    ('p::after { content: "</style><script>alert(1)</script>" }', "<"),
    ("</style><script>alert(1)</script>", "<"),
    ("@media screen { @import url(https://evil.example/x.css); }", "@import"),
    ("@charset 'utf-8'; @namespace x url(http://x); a { color: red }", "@namespace"),
    (".c { color: red; &:hover { background: url(javascript:alert(1)) } }", "javascript"),
])
def test_sanitizer_removes_what_could_run_or_load_elsewhere(css, forbidden):
    result = sanitize_css(css)
    assert forbidden.lower() not in result.css.lower()
    assert result.removed or forbidden == "<"  # "<" is escaped rather than removed


def test_sanitizer_keeps_ordinary_theming():
    result = sanitize_css(SITE_CSS + """
@font-face { font-family: Brand; src: url(https://cdn.example/brand.woff2) format("woff2"); }
.thread { background: url(data:image/png;base64,iVBORw0KGgo=) no-repeat; }
.comment { border-inline-start: 2px solid red; &:hover { color: blue } }
@supports (color: light-dark(#000, #fff)) { a { color: light-dark(blue, skyblue) } }
""")
    assert result.removed == []
    for kept in ("--widget-accent: light-dark(#8e2b1f, #ff9d8f)", "@media (max-width: 400px)",
                 "letter-spacing: .02em", "url(https://cdn.example/brand.woff2)",
                 "url(data:image/png;base64,iVBORw0KGgo=)", "&:hover", "@supports"):
        assert kept in result.css


def test_cli_sets_custom_css_and_reports_what_it_removed(runner, site, tmp_path):
    css_file = tmp_path / "site.css"
    css_file.write_text(SITE_CSS + "a { background: url(javascript:alert(1)) }")
    result = runner.invoke(args=["sites", "set-css", site.key, str(css_file)])
    assert result.exit_code == 0, result.output
    assert "Removed: the declaration of background" in result.output
    stored = db.session.get(Site, site.id).custom_css
    assert "--widget-accent" in stored and "javascript" not in stored

    empty = tmp_path / "empty.css"
    empty.write_text("")
    assert runner.invoke(args=["sites", "set-css", site.key, str(empty)]).exit_code == 0
    assert db.session.get(Site, site.id).custom_css == ""


def test_cli_refuses_unknown_site_and_oversized_css(runner, app, site, tmp_path):
    css_file = tmp_path / "site.css"
    css_file.write_text("a { color: red }")
    unknown = runner.invoke(args=["sites", "set-css", "nosuchkey", str(css_file)])
    assert unknown.exit_code == 1 and "No site has the key nosuchkey" in unknown.output
    app.config["CUSTOM_CSS_MAX_LENGTH"] = 10
    result = runner.invoke(args=["sites", "set-css", site.key, str(css_file)])
    assert result.exit_code == 2 and "longer than 10 characters" in result.output
    assert db.session.get(Site, site.id).custom_css == ""


def test_custom_css_is_linked_and_served_from_our_origin(client, runner, site, tmp_path):
    assert 'custom.css' not in client.get(thread_url(site)).text
    assert client.get(f"/t/{site.key}/custom.css").status_code == 404

    css_file = tmp_path / "site.css"
    css_file.write_text(SITE_CSS)
    runner.invoke(args=["sites", "set-css", site.key, str(css_file)])
    page = client.get(thread_url(site))
    link = re.search(r'<link rel="stylesheet" href="(/t/[^"]+/custom\.css\?v=\w+)">', page.text)
    assert link, "the thread page links the site's stylesheet"
    # The CSP stays strict: styles from our own origin only, nothing inline.
    assert "style-src 'self';" in page.headers["Content-Security-Policy"]
    assert "<style" not in page.text

    stylesheet = client.get(link.group(1))
    assert stylesheet.status_code == 200
    assert stylesheet.mimetype == "text/css"
    assert "--widget-accent: light-dark(#8e2b1f, #ff9d8f)" in stylesheet.text
    assert stylesheet.headers["X-Content-Type-Options"] == "nosniff"
    assert stylesheet.cache_control.max_age == 86400
    again = client.get(link.group(1), headers={"If-None-Match": stylesheet.headers["ETag"]})
    assert again.status_code == 304

    # New CSS, new URL: readers never keep a stale copy.
    css_file.write_text(":root { --widget-accent: #123456 }")
    runner.invoke(args=["sites", "set-css", site.key, str(css_file)])
    assert link.group(1) not in client.get(thread_url(site)).text
