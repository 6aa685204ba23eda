"""Big threads in pages, ETag revalidation, the rendered-list cache, static URLs and
compression: each checked through real HTTP requests to the app."""

import gzip
import hashlib
import os
import re
from pathlib import Path

import brotli
import pytest
import rjsmin

from widget import create_app
from widget.extensions import db

from .abuse_helpers import post_new, thread_path
from .conftest import BASE_CONFIG, make_comment, make_thread

REDIS_URL = os.environ.get("WIDGET_TEST_REDIS_URL")
STATIC = Path(__file__).resolve().parent.parent / "static"


@pytest.fixture
def app_config():
    return {"THREAD_PAGE_SIZE": 3}


@pytest.fixture
def seven_conversations(site):
    """Seven top-level comments, each with one reply: three pages of three."""
    thread = make_thread(site)
    roots, replies = [], []
    for index in range(7):
        roots.append(make_comment(thread, f"Root {index}", author=f"R{index}"))
        replies.append(make_comment(thread, f"Reply {index}", parent=roots[-1], author=f"Q{index}"))
    return thread, roots, replies


def shown_texts(html):
    return re.findall(r"<p>((?:Root|Reply) \d)</p>", html)


def test_pages_of_top_level_comments_each_with_its_replies(client, site, seven_conversations):
    first = client.get(thread_path(site.key)).text
    assert shown_texts(first) == ["Root 0", "Reply 0", "Root 1", "Reply 1", "Root 2", "Reply 2"]
    assert "14 comments" in first  # the heading counts the whole thread
    more = re.search(r'<a class="load-more-link" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "page=2" in more and "page 1 of 3" in first
    second = client.get(more).text
    assert shown_texts(second) == ["Root 3", "Reply 3", "Root 4", "Reply 4", "Root 5", "Reply 5"]
    assert "First comments" in second
    last = client.get(thread_path(site.key, page=3)).text
    assert shown_texts(last) == ["Root 6", "Reply 6"]
    assert "load-more-link" not in last
    for beyond in ("99", "9" * 40):
        assert shown_texts(client.get(thread_path(site.key, page=beyond)).text) == ["Root 6", "Reply 6"]
    for nonsense in ("0", "-4", "x", ""):
        response = client.get(thread_path(site.key, page=nonsense))
        assert response.status_code == 200 and shown_texts(response.text)[0] == "Root 0"


def test_a_linked_comment_opens_the_page_that_holds_it(client, site, seven_conversations):
    _, roots, replies = seven_conversations
    html = client.get(thread_path(site.key, comment=replies[4].id)).text
    assert "Reply 4" in html and "Root 0" not in html
    assert client.get(thread_path(site.key, comment=987654321)).status_code == 200


def test_replying_without_scripts_on_a_later_page(client, site, seven_conversations):
    _, roots, _ = seven_conversations
    html = client.get(thread_path(site.key, page=2, reply=roots[4].id)).text
    assert f'name="parent" type="hidden" value="{roots[4].id}"' in html  # the inline form, page 2
    assert '<input type="hidden" name="page" value="2">' in html  # reply buttons stay on it
    response = post_new(client, site.key, "An answer on page two", parent=str(roots[4].id))
    assert response.status_code == 303
    location = response.headers["Location"]
    new_id = re.search(r"#c-(\d+)$", location).group(1)
    assert f"comment={new_id}" in location
    page = client.get(location.split("#")[0]).text
    assert "An answer on page two" in page and "Root 4" in page and "Root 0" not in page


def test_an_unchanged_thread_is_revalidated_without_rendering(client, site, seven_conversations,
                                                               count_queries):
    first = client.get(thread_path(site.key))
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    with count_queries() as counter:
        again = client.get(thread_path(site.key), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert counter.count == 1, counter.statements  # the site and the thread version, together
    # Browsers merge a 304's headers into their copy: it must stay framable by the site.
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in again.headers
    # Another language, sort or page is another page.
    for other in ({"lang": "de"}, {"sort": "newest"}, {"page": 2}):
        assert client.get(thread_path(site.key, **other),
                          headers={"If-None-Match": etag}).status_code == 200
    post_new(client.application.test_client(), site.key, "Something new")
    changed = client.get(thread_path(site.key), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_closing_the_thread_changes_the_page(client, site, seven_conversations):
    thread, _, _ = seven_conversations
    etag = client.get(thread_path(site.key)).headers["ETag"]
    thread.closed = True
    db.session.commit()
    response = client.get(thread_path(site.key), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Comments are closed on this thread." in response.text
    assert 'class="comment-reply"' not in response.text


def test_the_page_is_rendered_once_per_version(client, site, seven_conversations, count_queries):
    _, roots, _ = seven_conversations
    client.get(thread_path(site.key))
    with count_queries() as counter:
        cached = client.get(thread_path(site.key))
    assert "Root 0" in cached.text
    assert not any("FROM comment" in statement for statement in counter.statements), counter.statements
    # A like bumps the version: the count shown is the new one at once.
    roots[0].like_count = 41
    db.session.commit()
    assert "Like <span>41</span>" not in client.get(thread_path(site.key)).text  # same version: cached
    from widget.threads import bump_version
    bump_version(roots[0].thread_id)
    db.session.commit()
    assert "Like <span>41</span>" in client.get(thread_path(site.key)).text


def test_the_viewer_own_pending_comment_is_never_served_from_the_cache(client, site,
                                                                        seven_conversations):
    site.moderation = "all"
    db.session.commit()
    other_reader = client.application.test_client()
    before = other_reader.get(thread_path(site.key)).text
    posted = post_new(client, site.key, "Mine, awaiting moderation")
    assert "Mine, awaiting moderation" in client.get(posted.headers["Location"]).text
    assert "Mine, awaiting moderation" not in other_reader.get(thread_path(site.key)).text
    assert shown_texts(before) == shown_texts(other_reader.get(thread_path(site.key)).text)


@pytest.mark.skipif(not REDIS_URL, reason="Redis tests need WIDGET_TEST_REDIS_URL (see README: Tests)")
def test_instances_share_rendered_pages_through_redis(database, tmp_path, count_queries):
    prefix = "test-" + os.urandom(4).hex()
    config = {**BASE_CONFIG, **database, "REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
              "THREAD_PAGE_SIZE": 3}
    first = create_app(config, instance_path=str(tmp_path / "a"))
    second = create_app(config, instance_path=str(tmp_path / "b"))
    with first.app_context():
        from .conftest import make_site

        site = make_site()
        make_comment(make_thread(site), "Shared through Redis")
        key = site.key
        first.test_client().get(thread_path(key))
        db.session.remove()
        db.engine.dispose()
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    assert list(connection.scan_iter(match=f"{prefix}:page:*"))
    with second.app_context():
        from .conftest import QueryCounter

        with QueryCounter(db.engine) as counter:
            html = second.test_client().get(thread_path(key)).text
        assert "Shared through Redis" in html
        assert not any("FROM comment" in statement for statement in counter.statements)
        db.session.remove()
        db.engine.dispose()
    for stale in connection.scan_iter(match=f"{prefix}:*"):
        connection.delete(stale)


def test_a_redis_outage_only_costs_the_cache(database, tmp_path):
    config = {**BASE_CONFIG, **database, "REDIS_URL": "redis://127.0.0.1:9/0"}  # nothing there
    app = create_app(config, instance_path=str(tmp_path))
    with app.app_context():
        from .conftest import make_site

        site = make_site()
        make_comment(make_thread(site), "Still shown")
        response = app.test_client().get(thread_path(site.key))
        assert response.status_code == 200 and "Still shown" in response.text
        db.session.remove()
        db.engine.dispose()


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client, site):
    html = client.get(thread_path(site.key)).text
    src = re.search(r'<script src="(/static/thread\.js\?v=([0-9a-f]+))"', html)
    assert src, html[:600]
    assert src.group(2) == hashlib.sha256((STATIC / "thread.js").read_bytes()).hexdigest()[:12]
    versioned = client.get(src.group(1))
    versioned.close()
    assert versioned.status_code == 200
    assert "immutable" in versioned.headers["Cache-Control"]
    assert "max-age=31536000" in versioned.headers["Cache-Control"]
    # Flask's "no-cache" would make every page load ask again for every file.
    assert "no-cache" not in versioned.headers["Cache-Control"]
    outdated = client.get("/static/thread.js?v=000000000000")
    outdated.close()
    assert "immutable" not in outdated.headers["Cache-Control"]
    assert "no-cache" in outdated.headers["Cache-Control"]


def test_the_part_few_readers_run_is_named_not_loaded(client, site):
    """thread-own.js (own comments' Edit and Delete, the account panel) is fetched by
    thread.js on first need: the page names it, content-hashed, in a data attribute, and
    no <script> of the page loads it (issue 15: the first load does not carry it)."""
    html = client.get(thread_path(site.key)).text
    named = re.search(r'data-own-script="(/static/thread-own\.js\?v=([0-9a-f]+))"', html)
    assert named, html[:900]
    assert named.group(2) == hashlib.sha256((STATIC / "thread-own.js").read_bytes()).hexdigest()[:12]
    assert re.findall(r'<script src="([^"?]+)', html) == ["/static/thread.js"]
    script = client.get(named.group(1))
    assert script.status_code == 200 and "immutable" in script.headers["Cache-Control"]
    assert b"window.widgetOwn" in script.get_data()
    script.close()


def test_pages_and_scripts_are_compressed_for_clients_that_accept_it(client, site,
                                                                    seven_conversations):
    plain = client.get(thread_path(site.key)).text
    packed = client.get(thread_path(site.key), headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(packed.data).decode()
    assert shown_texts(text) == shown_texts(plain)
    assert len(packed.data) < len(text) / 3
    script = client.get("/static/thread.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers["Content-Encoding"] == "gzip"
    served = gzip.decompress(script.get_data()).decode()
    script.close()
    assert served == rjsmin.jsmin((STATIC / "thread.js").read_text())  # minified too
    assert len(served) < 0.8 * len((STATIC / "thread.js").read_text())


CHROMIUM = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def test_a_browser_gets_brotli_and_scripts_at_its_best_quality(client, site, seven_conversations):
    """What a reader's browser gets (issue 15): the page in brotli (smaller than zstd's
    default), scripts and stylesheets at brotli's best quality, each with its own ETag
    that revalidates."""
    plain = client.get(thread_path(site.key)).text
    page = client.get(thread_path(site.key), headers=CHROMIUM)
    assert page.headers["Content-Encoding"] == "br"
    assert shown_texts(brotli.decompress(page.data).decode()) == shown_texts(plain)
    for url, source in (("/static/thread.js", client.get("/static/thread.js").get_data()),
                        ("/static/thread.css", client.get("/static/thread.css").get_data()),
                        ("/embed.js", client.get("/embed.js").get_data())):
        packed = client.get(url, headers=CHROMIUM)
        assert packed.headers["Content-Encoding"] == "br", url
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert packed.get_data() == brotli.compress(source, quality=11), url
        assert packed.headers["ETag"].endswith(':br"'), url
        again = client.get(url, headers={**CHROMIUM, "If-None-Match": packed.headers["ETag"]})
        assert again.status_code == 304, url
        packed.close()
        again.close()
    gzipped = client.get("/embed.js", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["Content-Encoding"] == "gzip"  # a client without brotli: as before


def test_a_cached_page_gets_fresh_form_tokens_that_work(client, site, seven_conversations):
    from .conftest import form_token

    pages = [client.get(thread_path(site.key)).text for _ in range(3)]
    tokens = [form_token(page) for page in pages]
    assert len(set(tokens)) == 3  # never the same token twice, although the page is cached
    without_tokens = {re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
                      for page in pages}
    assert len(without_tokens) == 1
    for number, token in enumerate(tokens):
        response = client.post(thread_path(site.key), data={
            "csrf_token": token, "name": "Ann", "text": f"Posted with token {number}"})
        assert response.status_code == 303, response.text[:300]


@pytest.mark.parametrize("app_config", [{"THREAD_PAGE_SIZE": 100, "THREAD_PAGE_COMMENTS": 5}])
def test_pages_also_end_at_a_number_of_comments_but_never_split_a_conversation(client, site):
    thread = make_thread(site)
    big = make_comment(thread, "Root 0")
    for index in range(7):  # one conversation of 8, longer than a page
        make_comment(thread, f"Reply {index}", parent=big)
    for index in range(1, 6):
        make_comment(thread, f"Root {index}")
    first = shown_texts(client.get(thread_path(site.key)).text)
    assert first == ["Root 0"] + [f"Reply {index}" for index in range(7)]
    second = shown_texts(client.get(thread_path(site.key, page=2)).text)
    assert second == [f"Root {index}" for index in range(1, 6)]


def test_a_release_that_changes_a_template_changes_the_page_etag(app, client, site,
                                                                 seven_conversations):
    etag = client.get(thread_path(site.key)).headers["ETag"]
    assert client.get(thread_path(site.key), headers={"If-None-Match": etag}).status_code == 304
    app.extensions["widget_code_version"] = "another-release"  # as computed at start-up
    response = client.get(thread_path(site.key), headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.headers["ETag"] != etag
