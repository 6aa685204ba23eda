"""A shared HTTP cache in front: which pages are public and under which tags, the shared
form token and its confirm step, and the purges, sent to a real HTTP receiver on 127.0.0.1
(tests/test_varnish.py puts a real Varnish in front)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import request as flask_request
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import insert, select

from tests.commenting import JSON, action_path, like_form_token, thread_path
from tests.conftest import ARTICLE, BASE_CONFIG, form_token, make_comment, make_thread
from tests.purge_receiver import purge_receiver  # noqa: F401  (a fixture)
from widget import create_app
from widget.admin.moderation import moderate
from widget.commenters import erase_comments
from widget.embed.forms import FORM_TOKEN_SALT
from widget.extensions import db
from widget.likes import set_likes_enabled
from widget.models import Comment, CommentStatus, Thread
from widget.sharedcache import mark_shared, site_tag, thread_tag
from widget.sharedcache.purges import QUEUE_KEY, queue_of
from widget.threads import bump_versions

OTHER_ARTICLE = "https://blog.example.com/posts/other"
# What does not depend on the database runs on SQLite only; the purges' queries, the
# version bumps and the page's ETag run on PostgreSQL too.
SQLITE_ONLY = pytest.mark.parametrize("database", ["sqlite"], indirect=True)
CONFIRM = "Check your comment, then press Post comment."


@pytest.fixture
def app_config(purge_receiver):
    return {"CACHE_PURGE_URLS": purge_receiver.url, "CACHE_PURGE_RETRY_DELAY": 0.05,
            "CACHE_PURGE_POLL_INTERVAL": 0.05, "CACHE_PURGE_MAX_ATTEMPTS": 3,
            "CACHE_PURGE_REPEAT_AFTER": 0}  # one request per purge, to count them


@pytest.fixture(autouse=True)
def queue(app):
    """The app's purge queue; its sender stops with the test (before the receiver)."""
    queue = queue_of(app)
    yield queue
    if queue is not None:
        queue.sender.stop()


def payload(token):
    return URLSafeTimedSerializer(BASE_CONFIG["SECRET_KEY"], salt=FORM_TOKEN_SALT).loads(token)


def purged(queue, receiver):
    assert queue.wait_idle(), "the purges were not sent"
    return receiver.tags()


# --- headers ------------------------------------------------------------------------------

@SQLITE_ONLY
def test_an_anonymous_readers_page_is_public_with_its_threads_and_sites_tags(client, site):
    """Also before the article has a thread: the tag comes from the site and the URL."""
    response = client.get(thread_path(site))
    cache_control = response.cache_control
    assert (cache_control.public, cache_control.max_age, cache_control.s_maxage) == (True, 0, 300)
    assert not cache_control.private and not cache_control.no_cache
    tags = f"{thread_tag(site.key, ARTICLE)} {site_tag(site.key)}"
    assert response.headers["xkey"] == response.headers["Surrogate-Key"] == tags
    assert "Set-Cookie" not in response.headers
    assert "Cookie" in response.vary
    html = response.get_data(as_text=True)
    assert payload(form_token(html))["s"] == 1  # every reader of the copy has this token
    assert 'data-token-url="/t/' in html
    # Unchanged: a 304 that tells the cache the same (Varnish merges it into its copy).
    again = client.get(thread_path(site), headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert again.cache_control.s_maxage == 300 and again.headers["xkey"] == tags
    # Every spelling of the URL shares the tag.
    spelled = client.get(thread_path(site, url=ARTICLE + "/?utm_source=x"))
    assert spelled.headers["xkey"] == tags


@SQLITE_ONLY
@pytest.mark.parametrize("extra", [{"reply": "1"}, {"own": "someone's-list"}])
def test_a_page_with_something_of_the_readers_own_is_private(client, site, extra):
    response = client.get(thread_path(site, **extra))
    assert response.cache_control.private and not response.cache_control.public
    assert "xkey" not in response.headers and "Surrogate-Key" not in response.headers
    assert "s" not in payload(form_token(response.get_data(as_text=True)))


@SQLITE_ONLY
def test_after_posting_the_authors_pages_are_private_and_other_readers_get_none_of_it(
        app, client, site, queue):
    site.moderation = "all"
    db.session.commit()
    token = client.post(action_path(site, "token")).json["token"]
    posted = client.post(thread_path(site), data={"csrf_token": token, "name": "Ann",
                                                  "email": "ann@example.com", "text": "Mine"})
    assert posted.status_code == 303
    mine = client.get(thread_path(site))
    assert mine.cache_control.private and "xkey" not in mine.headers
    assert "Mine" in mine.get_data(as_text=True)  # awaiting moderation, shown to its author
    other = app.test_client().get(thread_path(site))
    assert other.cache_control.public
    assert "Mine" not in other.get_data(as_text=True)
    assert "ann@example.com" not in other.get_data(as_text=True)


@SQLITE_ONLY
def test_off_without_purge_urls_unless_a_lifetime_is_set(app, client, site):
    app.config["CACHE_PURGE_URLS"] = ""
    response = client.get(thread_path(site))
    assert response.cache_control.private and response.cache_control.no_cache
    assert "xkey" not in response.headers and 'data-token-url' not in response.text
    assert "s" not in payload(form_token(response.get_data(as_text=True)))
    app.config["SHARED_CACHE_SECONDS"] = 60  # e.g. nginx without purges: a short lifetime
    response = client.get(thread_path(site))
    assert response.cache_control.public and response.cache_control.s_maxage == 60


@SQLITE_ONLY
def test_the_counts_api_is_tagged_with_each_thread_it_counts(client, site):
    response = client.get(f"/api/counts?site={site.key}&url={ARTICLE}&url={OTHER_ARTICLE}")
    assert response.cache_control.s_maxage == 300 and response.cache_control.max_age == 30
    assert set(response.headers["xkey"].split()) == {
        site_tag(site.key), thread_tag(site.key, ARTICLE), thread_tag(site.key, OTHER_ARTICLE)}
    posted = client.post("/api/counts", data={"site": site.key, "url": ARTICLE})
    assert "xkey" not in posted.headers


# --- the shared token: no-script posting confirms, scripts get a token of their own ---------

def confirm_token(html):
    assert CONFIRM in html
    return form_token(html)


@SQLITE_ONLY
def test_a_post_with_the_shared_token_is_confirmed_then_posted_once(app, client, site):
    shared = form_token(client.get(thread_path(site)).get_data(as_text=True))
    fields = {"name": "Ann", "email": "ann@example.com", "text": "Hello *there*"}
    first = client.post(thread_path(site), data={"csrf_token": shared, **fields})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and first.cache_control.no_store
    assert first.cache_control.private and "xkey" not in first.headers
    assert "<em>there</em>" in html and "Hello *there*" in html and "ann@example.com" in html
    assert db.session.scalar(select(Comment.id)) is None  # nothing stored yet
    own = confirm_token(html)
    assert "s" not in payload(own)
    posted = [client.post(thread_path(site), data={"csrf_token": own, **fields})
              for _ in range(2)]  # a double click
    assert [response.status_code for response in posted] == [303, 303]
    assert posted[0].headers["Location"] == posted[1].headers["Location"]
    assert len(db.session.scalars(select(Comment)).all()) == 1


@SQLITE_ONLY
def test_two_readers_with_the_same_cached_token_post_two_comments(app, site):
    readers = [app.test_client(), app.test_client()]
    shared = form_token(readers[0].get(thread_path(site)).get_data(as_text=True))
    fields = {"csrf_token": shared, "name": "Ann", "text": "Same words"}
    for reader in readers:
        own = confirm_token(reader.post(thread_path(site), data=fields).get_data(as_text=True))
        assert reader.post(thread_path(site), data={**fields, "csrf_token": own}).status_code == 303
    assert len(db.session.scalars(select(Comment)).all()) == 2


def old_shared_token(site, seconds_ago):
    class Earlier(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - seconds_ago

    serializer = URLSafeTimedSerializer(BASE_CONFIG["SECRET_KEY"], salt=FORM_TOKEN_SALT,
                                        signer=Earlier)
    return serializer.dumps({"t": f"{site.key} {ARTICLE}", "n": "nonce", "s": 1})


@SQLITE_ONLY
def test_the_time_trap_counts_from_the_confirm_page_not_the_cached_page(app, client, site):
    """A cached page may be hours old: its token's age proves nothing, and an expired
    one still leads to the confirm page."""
    app.config["COMMENT_MIN_SECONDS"] = 60
    for age in (2 * 3600, app.config["COMMENT_FORM_MAX_AGE"] + 60):
        fields = {"csrf_token": old_shared_token(site, age), "name": "Bot", "text": "Buy"}
        own = confirm_token(client.post(thread_path(site), data=fields).get_data(as_text=True))
    client.post(thread_path(site), data={**fields, "csrf_token": own})  # at once: a bot
    assert db.session.scalar(select(Comment.status)) == CommentStatus.SPAM


@SQLITE_ONLY
def test_scripts_post_with_a_private_token_of_their_own(app, client, site):
    response = client.post(action_path(site, "token"))
    assert response.cache_control.private and response.cache_control.no_store
    own = response.json["token"]
    assert "s" not in payload(own)
    posted = client.post(thread_path(site), headers=JSON,
                         data={"csrf_token": own, "name": "Ann", "text": "Scripted"})
    assert posted.status_code == 201
    # (the author's own pages are private now: a new reader's page has the shared token)
    shared = form_token(app.test_client().get(thread_path(site)).get_data(as_text=True))
    refused = client.post(thread_path(site), headers=JSON,
                          data={"csrf_token": shared, "name": "Ann", "text": "Again"})
    assert refused.status_code == 422 and refused.json["errors"]["csrf_token"] == [CONFIRM]


# --- purges -----------------------------------------------------------------------------

def test_every_write_purges_its_thread_after_the_commit(app, client, site, queue,
                                                        purge_receiver):
    article_tag = thread_tag(site.key, ARTICLE)
    token = client.post(action_path(site, "token")).json["token"]
    posted = client.post(thread_path(site), headers=JSON,
                         data={"csrf_token": token, "name": "Ann", "text": "First"}).json
    # The first comment made the thread: the tag the page without comments carried.
    assert purged(queue, purge_receiver) == [article_tag]
    comment = db.session.get(Comment, posted["id"])
    steps = [
        lambda: client.post(action_path(site, f"c/{comment.id}/edit"), headers=JSON,
                            data={"csrf_token": token, "edit_token": posted["edit_token"],
                                  "text": "Edited"}),
        lambda: client.post(action_path(site, "like"), headers=JSON,
                            data={"csrf_token": token, "comment": comment.id}),
        lambda: moderate(None, [db.session.get(Comment, comment.id)], "spam"),
        lambda: moderate(None, [db.session.get(Comment, comment.id)], "approve"),
        lambda: erase_comments([db.session.get(Comment, comment.id)]) and db.session.commit(),
    ]
    for number, step in enumerate(steps, start=2):
        step()
        assert purged(queue, purge_receiver) == [article_tag] * number
    set_likes_enabled(site, False)  # a site setting: every page of the site
    assert purged(queue, purge_receiver)[-1] == site_tag(site.key)
    assert all(method == "PURGE" and path == "/purge"
               for method, path, _, _ in purge_receiver.received)


def test_a_rolled_back_change_purges_nothing(app, site, queue, purge_receiver):
    thread = make_thread(site)
    bump_versions([thread.id])
    db.session.rollback()
    make_comment(thread)  # the next transaction sends its own purge, and only that
    assert purged(queue, purge_receiver) == [thread_tag(site.key, ARTICLE)]
    assert len(purge_receiver.received) == 1


def test_purges_are_batched_and_a_big_import_purges_the_site(app, site, queue,
                                                             purge_receiver):
    def touch(count, prefix):
        db.session.execute(insert(Thread), [
            {"site_id": site.id, "url": f"https://blog.example.com/{prefix}/{number}",
             "title": "t"} for number in range(count)])
        ids = db.session.scalars(select(Thread.id).where(
            Thread.url.like(f"https://blog.example.com/{prefix}/%"))).all()
        bump_versions(ids)  # as the importer does
        db.session.commit()

    touch(250, "a")
    assert queue.wait_idle()
    assert [len(tags) for _, _, tags, _ in purge_receiver.received] == [100, 100, 50]
    touch(app.config["CACHE_PURGE_SITE_AFTER"] + 1, "b")
    assert queue.wait_idle()
    assert purge_receiver.received[-1][2] == [site_tag(site.key)]
    assert len(purge_receiver.received) == 4


@SQLITE_ONLY
def test_a_failed_purge_is_retried_with_back_off_then_given_up(app, site, queue,
                                                               purge_receiver):
    thread = make_thread(site)
    purge_receiver.script = [500, 503]
    arrivals = []
    bump_versions([thread.id])
    db.session.commit()
    for count in (1, 2, 3):
        assert purge_receiver.wait_for(count)
        arrivals.append(time.monotonic())
    assert [status for *_, status in purge_receiver.received] == [500, 503, 200]
    assert arrivals[2] - arrivals[1] >= 0.09  # 0.05 s, then twice that
    purge_receiver.script = [500, 500, 500, 500]
    bump_versions([thread.id])
    db.session.commit()
    assert purge_receiver.wait_for(6)
    assert not purge_receiver.wait_for(7, timeout=0.5)  # CACHE_PURGE_MAX_ATTEMPTS = 3


def test_without_purge_urls_nothing_is_collected_queued_or_sent(database, tmp_path,
                                                                purge_receiver):
    app = create_app({**BASE_CONFIG, **database}, instance_path=str(tmp_path))
    with app.app_context():
        assert QUEUE_KEY not in app.extensions
        from tests.conftest import make_site

        thread = make_thread(make_site())
        make_comment(thread)
        bump_versions([thread.id])
        assert not {key for key in db.session.info if "purge" in key}
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert purge_receiver.received == []


@SQLITE_ONLY
def test_the_token_url_is_only_in_shared_pages(client, site):
    html = client.get(thread_path(site)).get_data(as_text=True)
    url = re.search(r'data-token-url="([^"]+)"', html).group(1)
    assert client.post(url.replace("&amp;", "&")).status_code == 200


@SQLITE_ONLY
def test_a_command_sends_its_purges_before_it_exits(app, site, purge_receiver, tmp_path):
    """A command in a process of its own (here `sites commenters`; an import alike): its
    purges go out before the process ends (the sender is a daemon thread; atexit waits)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WIDGET_")}
    env.update({"WIDGET_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "WIDGET_SECRET_KEY": BASE_CONFIG["SECRET_KEY"],
                "WIDGET_INSTANCE_PATH": str(tmp_path),
                "WIDGET_CACHE_PURGE_URLS": purge_receiver.url})
    db.session.commit()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "sites", "commenters",
         site.key, "signed-in"],
        cwd=Path(__file__).parent.parent, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert purge_receiver.tags() == [site_tag(site.key)]


@SQLITE_ONLY
def test_the_json_api_refuses_a_shared_token(client, site):
    from tests.api.conftest import fetch_token, post

    shared = form_token(client.get(thread_path(site)).get_data(as_text=True))
    refused = post(client, site, "Hi", token=shared)
    assert refused.status_code == 422
    assert refused.json["errors"]["token"] == ["Get a token of your own from form-token."]
    assert post(client, site, "Hi", token=fetch_token(client, site)).status_code == 201


def test_the_site_commands_purge_the_sites_pages(app, runner, site, queue, purge_receiver):
    """`sites commenters` changes the form of every page of the site (also the cached
    ones: their version is bumped, their shared copies purged)."""
    before = app.test_client().get(thread_path(site)).headers["ETag"]
    assert runner.invoke(args=["sites", "commenters", site.key, "signed-in"]).exit_code == 0
    assert purged(queue, purge_receiver) == [site_tag(site.key)]
    assert app.test_client().get(thread_path(site)).headers["ETag"] != before
    assert runner.invoke(args=["sites", "moderation", site.key, "all"]).exit_code == 0
    assert purged(queue, purge_receiver) == [site_tag(site.key)] * 2


@SQLITE_ONLY
def test_a_like_without_scripts_works_with_the_shared_token(app, client, site):
    """Likes count per visitor (or IP hash), not per token: the shared one will do."""
    comment = make_comment(make_thread(site))
    html = client.get(thread_path(site)).get_data(as_text=True)
    shared = like_form_token(html)
    assert payload(shared)["s"] == 1
    liked = client.post(action_path(site, "like"), data={"csrf_token": shared,
                                                         "comment": comment.id})
    assert liked.status_code == 303
    db.session.refresh(comment)
    assert comment.like_count == 1


@SQLITE_ONLY
def test_a_response_that_sets_a_cookie_is_never_shared(app, site):
    """The safety net under the views' choice: saving a session makes a response private."""
    with app.test_request_context(thread_path(site)):
        response = mark_shared(app.response_class("page"), ["t-x", "s-y"])
        assert response.cache_control.public and response.headers["xkey"] == "t-x s-y"
        session = app.session_interface.open_session(app, flask_request)
        session["own"] = [1]
        app.session_interface.save_session(app, session, response)
    assert "Set-Cookie" in response.headers and response.cache_control.private
    assert not response.cache_control.public and not response.cache_control.s_maxage
    assert "xkey" not in response.headers and "Surrogate-Key" not in response.headers


@SQLITE_ONLY
def test_changes_wait_while_the_database_is_away(app, site, queue, purge_receiver,
                                                 monkeypatch):
    """Turning thread ids into tags needs the database: if it fails, they are kept and
    tried again at the next poll, not lost."""
    from widget.sharedcache import purges

    real, failures = purges.resolve_tags, []

    def away_once(*args):
        if not failures:
            failures.append(1)
            raise ConnectionError("database away")
        return real(*args)

    monkeypatch.setattr(purges, "resolve_tags", away_once)
    make_comment(make_thread(site))
    assert purge_receiver.wait_for(1) and failures == [1]
    assert purge_receiver.tags() == [thread_tag(site.key, ARTICLE)]


@SQLITE_ONLY
def test_each_purge_is_sent_again_a_little_later(app, site, queue, purge_receiver):
    """A page rendered from the old data while the change committed may reach the cache
    after the first purge: the second one drops it too."""
    app.config["CACHE_PURGE_REPEAT_AFTER"] = 0.3
    started = time.monotonic()
    make_comment(make_thread(site))
    assert purge_receiver.wait_for(2)
    assert time.monotonic() - started >= 0.3
    assert purge_receiver.tags() == [thread_tag(site.key, ARTICLE)] * 2
