"""A real Varnish (docs/varnish.vcl) in front of the service served over real HTTP: every
write shows on the next read, a reader's own parts never reach another reader, posting
without scripts works through it, and a hit really is one.

varnishd and the xkey vmod come from Debian's `varnish` and `varnish-modules`; without them
the module is skipped, unless WIDGET_REQUIRE_VARNISH=1 (CI) makes that a failure. One
varnishd and one app serve the whole module; each test has a site of its own.
"""

import os
import re
import secrets
import shutil
import threading
from urllib.parse import quote

import httpx
import pytest
from werkzeug.serving import make_server

from bench import varnish
from tests.conftest import BASE_CONFIG, form_token, make_site
from widget import create_app
from widget.admin.moderation import moderate
from widget.extensions import db
from widget.likes import set_likes_enabled
from widget.models import Comment, ModerationMode
from widget.sharedcache.purges import queue_of

ARTICLE = "https://blog.example.com/posts/cached"
JSON = {"Accept": "application/json"}
CONFIRM = "Check your comment, then press Post comment."


class Stack:
    """The app on 127.0.0.1, behind varnishd on 127.0.0.1."""

    def __init__(self, app, cache):
        self.app, self.cache, self.url = app, cache, cache.url
        self.anonymous = self.client()

    def client(self):
        """A reader of their own: a cookie jar of their own."""
        return httpx.Client(base_url=self.url, timeout=10)

    def read(self, site):
        """A page as an anonymous reader gets it through Varnish (no cookie ever comes:
        a shared page sets none)."""
        response = self.anonymous.get(page_path(site))
        assert response.status_code == 200 and not self.anonymous.cookies
        return response

    def purged(self):
        """Until the purges of the last write have been sent (milliseconds after it)."""
        assert queue_of(self.app).wait_idle(), "the purges were not sent"

    def server_logs(self):
        return self.cache.log()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, sqlite_template):
    problem = varnish.missing()
    if problem:
        if os.environ.get("WIDGET_REQUIRE_VARNISH") == "1":
            pytest.fail(f"WIDGET_REQUIRE_VARNISH=1, but {problem}")
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("varnish")
    shutil.copy(sqlite_template, folder / "db.sqlite")
    cache = varnish.Varnish(folder)
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite'}",
              "CACHE_PURGE_URLS": cache.url + "/", "PROXY_HOPS": 1,
              # the repeated purge (5 s later) would turn the next pair's first read into a miss
              "CACHE_PURGE_REPEAT_AFTER": 0}
    config.pop("SERVER_NAME")
    app = create_app(config, instance_path=str(folder))
    origin = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    stack = Stack(app, cache.start(origin.server_port))
    yield stack
    stack.anonymous.close()
    cache.stop()
    queue_of(app).sender.stop()
    origin.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def site(stack):
    with stack.app.app_context():
        site = make_site(origins=("https://blog.example.com",))
        yield site
        db.session.remove()


def page_path(site, **params):
    extra = "".join(f"&{name}={quote(str(value), safe='')}" for name, value in params.items())
    return f"/t/{site.key}?url={quote(ARTICLE, safe='')}{extra}"


class Writer:
    """A scripted commenter posting through Varnish, as thread.js does."""

    def __init__(self, stack, site):
        self.client, self.site = stack.client(), site
        self.token = self.client.post(f"/t/{site.key}/token?url={quote(ARTICLE)}").json()["token"]
        self.edit_tokens = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.client.close()

    def post(self, text):
        body = self.client.post(page_path(self.site), headers=JSON, data={
            "csrf_token": self.token, "name": "Writer", "text": text}).json()
        self.edit_tokens[body["id"]] = body["edit_token"]
        return body["id"]

    def action(self, comment_id, action, **fields):
        response = self.client.post(
            f"/t/{self.site.key}/c/{comment_id}/{action}?url={quote(ARTICLE)}", headers=JSON,
            data={"csrf_token": self.token, "edit_token": self.edit_tokens[comment_id], **fields})
        assert response.status_code == 200, response.text

    def like(self, comment_id):
        response = self.client.post(f"/t/{self.site.key}/like?url={quote(ARTICLE)}", headers=JSON,
                                    data={"csrf_token": self.token, "comment": comment_id,
                                          "action": "like", "visitor": secrets.token_hex(12)})
        assert response.status_code == 200, response.text


def like_count(html, comment_id):
    """The number on the comment's Like button (`<button … value=ID>Like <span>N</span>`)."""
    found = re.search(rf'value={comment_id}>[^<]*<span[^>]*>(\d+)</span>', html)
    assert found, f"no like button for comment {comment_id}"
    return int(found.group(1))


def test_a_hit_is_a_hit_and_the_etag_still_answers_304(stack, site):
    first, second = stack.read(site), stack.read(site)
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert len(second.headers["X-Varnish"].split()) == 2  # this request's id, the copy's
    assert "xkey" not in second.headers  # tags stay between the service and Varnish
    assert "public" in second.headers["Cache-Control"] and "Set-Cookie" not in second.headers
    with stack.client() as reader:
        again = reader.get(page_path(site), headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304 and again.headers["X-Cache"] == "hit"
    # A client that takes no gzip gets a plain copy of its own, not one unzipped each time.
    with stack.client() as plain:
        answers = [plain.get(page_path(site), headers={"Accept-Encoding": "identity"})
                   for _ in range(2)]
    assert [answer.headers["X-Cache"] for answer in answers] == ["miss", "hit"]
    assert "Content-Encoding" not in answers[1].headers and answers[1].text == answers[0].text
    # Loader scripts are kept too.
    with stack.client() as reader:
        reader.get("/embed.js")
        assert reader.get("/embed.js").headers["X-Cache"] == "hit"


def test_every_write_shows_on_the_next_read(stack, site):
    """100 write-then-read pairs, each after a read that was served from the cache: posts,
    edits, likes, moderation, deletions by the author and a site setting. 0 stale."""
    with Writer(stack, site) as writer:
        stale = pairs(stack, site, writer)
    assert stale == []


def pairs(stack, site, writer):
    """The 100 pairs; the ones whose read did not show the write."""
    shown = [writer.post("Opening comment")]
    stale, likes_on = [], True
    stack.read(site)
    for number in range(100):
        before_write = stack.read(site)
        assert before_write.headers["X-Cache"] == "hit"  # without a purge: stale
        # What the removals below look for is there before them (or they could not fail).
        assert f"id=c-{shown[-1]} " in before_write.text and ("id=lf " in before_write.text) == likes_on
        kind = number % 7
        with stack.app.app_context():
            if kind == 3 and not likes_on:
                kind = 0  # no like buttons now: a post instead
            if kind in (0, 1):
                shown.append(writer.post(f"Comment number {number}"))
                expected = (f"Comment number {number}", True)
            elif kind == 2:
                writer.action(shown[-1], "edit", text=f"Edited into {number}")
                expected = (f"Edited into {number}", True)
            elif kind == 3:
                before = like_count(stack.read(site).text, shown[0])
                writer.like(shown[0])
                expected = (before + 1, "likes")
            elif kind == 4:
                moderate(None, [db.session.get(Comment, shown[-1])], "spam")
                expected = (f'id=c-{shown.pop()} ', False)  # the space: c-1 is not c-12
            elif kind == 5:
                writer.action(shown[-1], "delete")
                expected = (f'id=c-{shown.pop()} ', False)  # the space: c-1 is not c-12
            else:
                likes_on = not likes_on
                set_likes_enabled(db.session.merge(site), likes_on)
                expected = ('id=lf ', likes_on)
            db.session.remove()
        stack.purged()
        after = stack.read(site)
        html = after.text
        if expected[1] == "likes":
            fresh = like_count(html, shown[0]) == expected[0]
        else:
            fresh = (expected[0] in html) == expected[1]
        if not fresh or after.headers["X-Cache"] != "miss":
            stale.append((number, kind, expected))
    return stale


def test_a_readers_own_parts_never_reach_another_reader(stack, site):
    """On a moderated site A posts without scripts (the confirm step) and sees the comment
    waiting; B, through the same cache, never sees it, nor A's name and email."""
    with stack.app.app_context():
        db.session.merge(site).moderation = ModerationMode.ALL
        db.session.commit()
    stack.purged()
    a, b = stack.client(), stack.client()
    shared_page = a.get(page_path(site))
    assert shared_page.headers["X-Cache"] == "miss"
    fields = {"name": "Alice Secret", "email": "alice@example.org", "text": "Waiting words"}
    confirm = a.post(page_path(site), data={"csrf_token": form_token(shared_page.text), **fields})
    assert confirm.status_code == 200 and CONFIRM in confirm.text
    own_token = form_token(confirm.text)
    posted = [a.post(page_path(site), data={"csrf_token": own_token, **fields})
              for _ in range(2)]  # a double click: one comment
    assert [response.status_code for response in posted] == [303, 303]
    assert posted[0].headers["Location"] == posted[1].headers["Location"]
    with stack.app.app_context():
        assert db.session.query(Comment).filter_by(text="Waiting words").count() == 1
    stack.purged()
    mine = a.get(posted[0].headers["Location"])
    assert "Waiting words" in mine.text and "private" in mine.headers["Cache-Control"]
    plain_for_a = a.get(page_path(site))  # A's cookie: passed, made for A
    assert "Waiting words" in plain_for_a.text
    assert plain_for_a.headers["X-Cache"] == "miss"
    for _ in range(2):
        for_b = b.get(page_path(site))
        assert for_b.status_code == 200 and "public" in for_b.headers["Cache-Control"]
        for secret in ("Waiting words", "Alice Secret", "alice@example.org"):
            assert secret not in for_b.text
    assert for_b.headers["X-Cache"] == "hit"
    a.close()
    b.close()


def test_a_purge_from_elsewhere_is_refused(stack, site):
    """Only the ACL's hosts may purge; 127.0.0.1 may, with the tags in xkey-purge."""
    with stack.client() as client:
        assert client.request("PURGE", "/").status_code == 400
        assert client.request("PURGE", "/", headers={"xkey-purge": "t-none"}).status_code == 200
    acl = re.search(r"acl purgers \{(.*?)\}", varnish.VCL.read_text(), re.S).group(1)
    assert acl.split() == ['"127.0.0.1";', '"::1";']
