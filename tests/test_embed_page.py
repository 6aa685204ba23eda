"""The thread page as the loader asks for it: options, permalinks, headers, refusals, and
the viewer's own comments without cookies."""

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from sqlalchemy import func, select

from widget import create_app
from widget.embed.own import own_token
from widget.extensions import db
from widget.models import Comment, CommentStatus, ModerationMode

from .conftest import ARTICLE, BASE_CONFIG, form_token, make_comment, make_site, make_thread

SERVICE = "http://comments.test"


def thread_url(site, url=ARTICLE, **extra):
    query = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in {"url": url, **extra}.items())
    return f"/t/{site.key}?{query}"


def post_json(client, site, page_url, text="Hello", name="Ann", parent="", **headers):
    page = client.get(page_url)
    action = re.search(r'<form class="comment-form" id="reply-form" method="post"\s+action="([^"]+)"',
                       page.text).group(1).replace("&amp;", "&")
    return client.post(action, data={
        "csrf_token": form_token(page.text), "name": name, "text": text, "parent": parent,
    }, headers={"Accept": "application/json", "Origin": SERVICE, **headers})


def test_theme_and_language_reach_the_html_element(client, site):
    html = client.get(thread_url(site, theme="dark", lang="de-CH")).text
    assert '<html lang="de" dir="ltr" data-theme="dark">' in html  # the language it is in
    plain = client.get(thread_url(site)).text
    assert '<html lang="en" dir="ltr" data-theme="auto">' in plain


@pytest.mark.parametrize(("theme", "lang"), [
    ('dark" onload="x', '"><script>alert(1)</script>'),
    ("purple", "x"),
    ("", "tlh"),  # a language we have no catalog for
])
def test_unknown_theme_and_language_are_ignored(client, site, theme, lang):
    html = client.get(thread_url(site, theme=theme, lang=lang)).text
    assert '<html lang="en" dir="ltr" data-theme="auto">' in html
    assert "<script>alert" not in html


def test_forms_and_reply_links_carry_the_options_on(client):
    site = make_site(origins=["https://blog.example.com"])
    thread = make_thread(site)
    make_comment(thread, "First")
    html = client.get(thread_url(site, title="Hello", theme="light", lang="fr",
                                 origin="https://blog.example.com")).text
    action = re.search(r'id="reply-form" method="post"\s+action="([^"]+)"', html).group(1)
    carried = parse_qs(urlsplit(action.replace("&amp;", "&")).query)
    assert carried == {"url": [ARTICLE], "title": ["Hello"], "origin": ["https://blog.example.com"],
                       "theme": ["light"], "lang": ["fr"]}
    for name, value in (("theme", "light"), ("lang", "fr"), ("origin", "https://blog.example.com")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in html


def test_permalinks_lead_to_the_article_page_as_the_loader_named_it(client, site):
    """Each date links to #c-ID in the page (where it works without scripts); thread.js
    points it at the article page as the loader named it, which the page holds once
    (tests/browser/test_embed_in_browser.py follows such a link)."""
    article = "https://blog.example.com/posts/hello/?b=2&a=1"
    thread = make_thread(site, url="https://blog.example.com/posts/hello?a=1&b=2")
    comment = make_comment(thread, "Linked")
    html = client.get(thread_url(site, article + "#comments")).text
    assert f'data-article-url="{article.replace("&", "&amp;")}"' in html
    assert f'<a href=#c-{comment.id}><time datetime=' in html


def test_the_embedding_origin_is_given_to_the_script_only_when_allowed(client, site):
    html = client.get(thread_url(site, origin="https://blog.example.com")).text
    assert 'data-parent-origin="https://blog.example.com"' in html
    assert "data-parent-origin" not in client.get(thread_url(site)).text


def test_an_embedding_origin_the_site_does_not_allow_gets_a_clear_framable_message(client, site):
    response = client.get(thread_url(site, origin="https://copycat.example.net"))
    assert response.status_code == 403
    assert "Comments cannot be shown on https://copycat.example.net" in response.text
    assert "allowed origins" in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors https://blog.example.com https://copycat.example.net" in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    assert "X-Frame-Options" not in response.headers
    assert "<form" not in response.text and "<script" not in response.text


def test_an_article_origin_the_site_does_not_allow_is_explained_inside_the_frame(client, site):
    response = client.get(thread_url(site, "https://staging.example.org/post",
                                     origin="https://staging.example.org"))
    assert response.status_code == 403
    assert "Comments are not enabled for https://staging.example.org" in response.text
    assert response.headers["Content-Security-Policy"].endswith(
        "frame-ancestors https://staging.example.org")
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("origin", ["not an origin", "javascript:alert(1)", "null"])
def test_a_malformed_embedding_origin_is_a_clear_400(client, site, origin):
    response = client.get(thread_url(site, origin=origin))
    assert response.status_code == 400
    assert "is not the origin of a web page" in response.text


def test_a_crafted_origin_cannot_write_into_the_policy(client, site):
    response = client.get(thread_url(site, "https://x;script-src *;/", origin="https://a b"))
    assert response.status_code in (400, 403)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src" not in policy
    assert policy.endswith("frame-ancestors 'none'")
    assert response.headers["X-Frame-Options"] == "DENY"


def test_thread_page_headers_for_embedding(client, site):
    response = client.get(thread_url(site, origin="https://blog.example.com"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "https://blog.example.com"
    assert "unsafe-inline" not in policy
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "X-Frame-Options" not in response.headers
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.text, re.S)
    # Every script runs from our static files; the one inline block is JSON data (words
    # for thread.js), which browsers never execute.
    executable = [(attributes, body) for attributes, body in scripts
                  if 'type="application/json"' not in attributes]
    assert executable and all('src="/static/' in attributes and not body.strip()
                              for attributes, body in executable)


def test_posting_needs_no_cookie(app, site):
    cookieless = app.test_client(use_cookies=False)
    response = post_json(cookieless, site, thread_url(site), "No cookies here",
                         **{"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 201, response.json
    assert db.session.scalar(select(func.count(Comment.id))) == 1


@pytest.fixture
def moderated(site):
    site.moderation = ModerationMode.ALL
    db.session.commit()
    return site


def test_own_pending_comment_is_shown_by_its_token_without_cookies(app, moderated):
    author = app.test_client(use_cookies=False)
    first = post_json(author, moderated, thread_url(moderated), "Awaiting moderation")
    assert first.status_code == 201 and first.json["status"] == "pending"
    token = first.json["own"]

    stranger_page = author.get(thread_url(moderated)).text
    assert "Awaiting moderation" not in stranger_page
    own_page = author.get(thread_url(moderated, own=token)).text
    assert "Awaiting moderation" in own_page and "awaiting moderation</span>" in own_page
    assert f'name="own" value="{token}"' in own_page  # reply links carry it on

    second = post_json(author, moderated, thread_url(moderated, own=token), "Second one")
    both = author.get(thread_url(moderated, own=second.json["own"])).text
    assert "Awaiting moderation" in both and "Second one" in both


def test_own_token_is_bound_to_its_site_and_cannot_be_forged(app, moderated):
    thread = make_thread(moderated)
    pending = make_comment(thread, "Hidden draft", status=CommentStatus.PENDING)
    client = app.test_client(use_cookies=False)
    other_site = make_site("Other")
    for token in (own_token(other_site, [pending.id]),
                  own_token(moderated, [pending.id])[:-2] + "xx", "garbage", "x" * 5000):
        assert "Hidden draft" not in client.get(thread_url(moderated, own=token)).text
    assert "Hidden draft" in client.get(thread_url(moderated, own=own_token(moderated, [pending.id]))).text


def test_no_script_post_keeps_the_token_through_the_redirect(app, moderated):
    client = app.test_client(use_cookies=False)
    page = client.get(thread_url(moderated))
    action = re.search(r'method="post"\s+action="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    response = client.post(action, data={"csrf_token": form_token(page.text), "name": "Ann",
                                         "text": "Without script", "parent": ""},
                           headers={"Origin": SERVICE})
    assert response.status_code == 303
    assert "own=" in response.headers["Location"]
    assert "Without script" in client.get(response.headers["Location"]).text


@pytest.mark.parametrize(("settings", "expected", "absent"), [
    ({"PUBLIC_URL": "https://comments.example.com"},
     ["SameSite=None", "Secure", "Partitioned", "HttpOnly"], []),
    ({"PUBLIC_URL": "http://127.0.0.1:5000"}, ["SameSite=Lax", "HttpOnly"], ["Secure", "Partitioned"]),
    ({}, ["SameSite=Lax"], ["Secure", "Partitioned"]),
    ({"PUBLIC_URL": "https://comments.example.com", "SESSION_COOKIE_SAMESITE": "Lax",
      "SESSION_COOKIE_PARTITIONED": False}, ["SameSite=Lax", "Secure"], ["Partitioned"]),
])
def test_session_cookie_suits_a_cross_site_iframe_over_https(
        tmp_path, database, settings, expected, absent):
    app = create_app({**BASE_CONFIG, **database, **settings}, instance_path=str(tmp_path))
    with app.app_context():
        site = make_site()
        client = app.test_client()
        response = post_json(client, site, thread_url(site), "Sets the session",
                             **{"Origin": "https://comments.example.com"}
                             if settings.get("PUBLIC_URL", "").startswith("https") else {})
        assert response.status_code == 201, response.json
        cookie = response.headers["Set-Cookie"]
        attributes = [part.strip() for part in cookie.split(";")]
        for attribute in expected:
            assert attribute in attributes, cookie
        for attribute in absent:
            assert attribute not in attributes, cookie
        db.session.remove()
        db.engine.dispose()


def test_environment_settings_choose_the_cookie(monkeypatch, tmp_path):
    monkeypatch.setenv("WIDGET_PUBLIC_URL", "https://comments.example.com")
    monkeypatch.setenv("WIDGET_SESSION_COOKIE_SAMESITE", "Strict")
    app = create_app({"SECRET_KEY": "x" * 32}, instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_PARTITIONED"] is True
