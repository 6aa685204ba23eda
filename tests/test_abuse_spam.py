"""Spam traps: honeypot, minimum time, blocked words, links, and the Akismet-compatible check."""

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote

import pytest
from sqlalchemy import select

from widget import create_app
from widget.extensions import db
from widget.models import Comment, CommentStatus

from .abuse_helpers import (
    JSON,
    comment_fields,
    fresh_token,
    make_token,
    post,
    post_new,
    thread_path,
)
from .conftest import ARTICLE, BASE_CONFIG, make_site


def only_comment():
    comments = db.session.scalars(select(Comment)).all()
    assert len(comments) == 1
    return comments[0]


def no_comment():
    return db.session.scalars(select(Comment)).all() == []


# --- the honeypot ------------------------------------------------------------------------

def test_honeypot_is_hidden_from_people_and_screen_readers(client, site):
    html = client.get(thread_path(site.key)).text
    trap = html[html.index('<div class="form-trap"'):]
    trap = trap[:trap.index("</div>")]
    assert 'aria-hidden="true"' in trap
    assert ">Leave this field empty</label>" in trap
    assert 'name="subject"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    with client.get("/static/thread.css") as stylesheet:
        css = stylesheet.text
    trap_rule = css[css.index(".form-trap{"):]
    trap_rule = trap_rule[:trap_rule.index("}")]  # as served: minified
    assert "clip-path:inset(50%)" in trap_rule and "position:absolute" in trap_rule
    assert "left:" not in trap_rule and "right:" not in trap_rule  # no overflow either way


def test_a_filled_honeypot_is_held_as_spam_and_told_it_awaits_moderation(client, site):
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "Cheap watches", subject="Hi!"),
                    headers=JSON)
    assert response.status_code == 201
    assert response.json["status"] == "pending"  # never "spam": the bot learns nothing
    assert response.json["message"] == "Your comment is awaiting moderation."
    assert "awaiting moderation" in response.json["html"]
    comment = only_comment()
    assert comment.status == CommentStatus.SPAM
    assert comment.spam_reason == "honeypot field filled in"
    # readers do not see it; its author sees it as awaiting moderation
    assert "Cheap watches" in client.get(thread_path(site.key)).text
    assert "Cheap watches" not in client.application.test_client().get(thread_path(site.key)).text


def test_a_held_comment_redirects_like_any_other(client, site):
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "bot", subject="x"))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "awaiting moderation" in page and "bot" in page


# --- minimum time to submit -----------------------------------------------------------------

SLOW_FORMS = pytest.mark.parametrize("app_config", [{"COMMENT_MIN_SECONDS": 5}])


@SLOW_FORMS
def test_a_form_sent_too_soon_is_held_as_spam(client, site):
    token = make_token(site.key, issued=time.time())
    assert post(client, site.key, comment_fields(token, "instant")).status_code == 303
    comment = only_comment()
    assert comment.status == CommentStatus.SPAM
    seconds = re.fullmatch(r"sent (\d+\.\d) s after the form was shown", comment.spam_reason)
    assert seconds and float(seconds[1]) < 5  # however slow the machine, under the minimum


@SLOW_FORMS
def test_a_form_sent_after_the_minimum_is_approved(client, site):
    token = make_token(site.key, issued=time.time() - 6)
    assert post(client, site.key, comment_fields(token, "thoughtful")).status_code == 303
    assert only_comment().status == CommentStatus.APPROVED


@SLOW_FORMS
def test_the_token_from_the_page_carries_its_issue_time(client, site):
    token = fresh_token(client, site.key)  # rendered just now
    post(client, site.key, comment_fields(token, "fast"))
    assert only_comment().status == CommentStatus.SPAM


# --- blocked words and links ------------------------------------------------------------------

@pytest.mark.parametrize("app_config", [{"BLOCKED_WORDS": "casino, cheap pills"}])
@pytest.mark.parametrize("fields, held", [
    ({"text": "Visit the CASINO tonight"}, True),
    ({"text": "Ｃａｓｉｎｏ in full width"}, True),
    ({"text": "ca\u200bsino with a zero-width space"}, True),
    ({"text": "buy cheap   pills"}, False),  # a phrase matches as written
    ({"text": "buy cheap pills"}, True),
    ({"text": "casinos are plural"}, False),  # whole words only
    ({"name": "Casino Bob", "text": "hello"}, True),
    ({"text": "hello", "website": "https://casino.example"}, True),
    ({"text": "A fine article"}, False),
])
def test_global_blocked_words_hold_a_comment(client, site, fields, held):
    token = fresh_token(client, site.key)
    data = {**comment_fields(token), **fields}
    assert post(client, site.key, data).status_code == 303
    comment = only_comment()
    assert (comment.status == CommentStatus.SPAM) is held
    if held:
        assert comment.spam_reason.startswith("blocked word: ")


def test_a_sites_own_blocked_words_apply_to_that_site_only(client, site):
    strict = make_site("Strict", blocked_words=["crypto"])
    assert post_new(client, site.key, "crypto talk").status_code == 303
    assert post_new(client, strict.key, "crypto talk").status_code == 303
    statuses = {c.thread.site_id: c.status for c in db.session.scalars(select(Comment))}
    assert statuses == {site.id: CommentStatus.APPROVED, strict.id: CommentStatus.SPAM}


def test_too_many_links_is_refused_beside_the_field_with_the_text_kept(client, site):
    text = "See https://a.example and [b](https://b.example) and c.example.com and https://d.example"
    response = post_new(client, site.key, text)
    assert response.status_code == 422
    assert "Your comment has 4 links; at most 3 are allowed." in response.text
    assert 'id="text-error"' in response.text
    assert "https://a.example and [b](https://b.example)" in response.text
    assert no_comment()
    assert post_new(client, site.key, text.rsplit(" and ", 1)[0]).status_code == 303


def test_a_site_may_set_its_own_link_limit(client):
    no_links = make_site("No links", max_links=0)
    response = post_new(client, no_links.key, "see https://x.example", headers=JSON)
    assert response.status_code == 422
    assert response.json["errors"] == {"text": ["Links are not allowed in comments here."]}
    assert no_comment()


def test_site_rules_command(runner, site):
    result = runner.invoke(args=["sites", "rules", site.key, "--block", "casino",
                                 "--block", "cheap pills", "--max-links", "1"])
    assert result.exit_code == 0, result.output
    assert "Blocked words: casino, cheap pills" in result.output
    assert "Links per comment: 1" in result.output
    result = runner.invoke(args=["sites", "rules", site.key, "--unblock", "casino",
                                 "--default-max-links"])
    assert "Blocked words: cheap pills" in result.output
    assert "Links per comment: the default" in result.output
    db.session.refresh(site)
    assert site.blocked_words == ["cheap pills"] and site.max_links is None
    assert runner.invoke(args=["sites", "rules", "nope"]).exit_code != 0


# --- the Akismet-compatible spam check, against a local fake service -------------------------

class FakeAkismet:
    """A real HTTP server on 127.0.0.1 that answers comment-check like Akismet."""

    def __init__(self):
        self.requests = []
        self.mode = "verdict"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                fields = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
                fake.requests.append((self.path, fields))
                if fake.mode == "broken":
                    self.reply(500, "oops", {})
                elif fields.get("api_key") != "test-key":
                    self.reply(200, "invalid", {"X-akismet-debug-help": "Invalid API key"})
                elif fake.mode == "slow":
                    time.sleep(1.5)
                    self.reply(200, "false", {})
                else:
                    spam = "viagra" in fields.get("comment_content", "")
                    self.reply(200, "true" if spam else "false", {})

            def reply(self, status, text, headers):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def akismet():
    fake = FakeAkismet()
    yield fake
    fake.stop()


@pytest.fixture
def akismet_config(akismet):
    akismet.requests.clear()
    akismet.mode = "verdict"
    return {"SPAM_CHECK": "akismet", "AKISMET_KEY": "test-key", "AKISMET_URL": akismet.url,
            "AKISMET_TIMEOUT": 1.0}


SQLITE_ONLY = pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # HTTP, not SQL


@pytest.fixture
def checked_client(database, akismet_config, tmp_path):
    app = create_app({**BASE_CONFIG, **database, **akismet_config}, instance_path=str(tmp_path))
    with app.app_context():
        yield app.test_client()
        db.session.remove()
        db.engine.dispose()


def test_the_spam_check_is_off_by_default(client, site, akismet):
    akismet.requests.clear()
    assert post_new(client, site.key, "buy viagra").status_code == 303
    assert only_comment().status == CommentStatus.APPROVED
    assert akismet.requests == []


def test_akismet_spam_is_held_and_ham_is_approved(checked_client, akismet):
    site = make_site()
    response = post_new(checked_client, site.key, "buy viagra now", headers={
        **JSON, "User-Agent": "SpamBot/1.0", "Referer": "https://blog.example.com/x"},
        email="bot@example.org", website="https://bot.example")
    assert response.status_code == 201 and response.json["status"] == "pending"
    assert post_new(checked_client, site.key, "A kind word").status_code == 303
    statuses = [c.status for c in db.session.scalars(select(Comment).order_by(Comment.id))]
    assert statuses == [CommentStatus.SPAM, CommentStatus.APPROVED]
    path, sent = akismet.requests[0]
    assert path == "/1.1/comment-check"
    assert sent["comment_content"] == "buy viagra now"
    assert sent["comment_author"] == "Ann"
    assert sent["comment_author_email"] == "bot@example.org"
    assert sent["comment_author_url"] == "https://bot.example"
    assert sent["permalink"] == "https://blog.example.com/posts/hello"
    assert sent["blog"] == "https://blog.example.com"
    assert sent["user_ip"] == "127.0.0.1" and sent["user_agent"] == "SpamBot/1.0"
    assert sent["comment_type"] == "comment" and sent["is_test"] == "1"


@SQLITE_ONLY
@pytest.mark.parametrize("mode", ["broken", "slow"])
def test_a_failing_spam_service_lets_comments_through_and_is_logged(
        checked_client, akismet, mode, caplog):
    akismet.mode = mode
    site = make_site()
    assert post_new(checked_client, site.key, "buy viagra").status_code == 303
    assert only_comment().status == CommentStatus.APPROVED
    assert "Spam check unavailable" in caplog.text


@SQLITE_ONLY
@pytest.mark.parametrize("akismet_config", [{
    "SPAM_CHECK": "akismet", "AKISMET_KEY": "wrong", "AKISMET_URL": "http://127.0.0.1:9"}])
def test_a_wrong_key_or_unreachable_service_is_logged(checked_client, caplog):
    site = make_site()
    assert post_new(checked_client, site.key, "hello").status_code == 303
    assert "Spam check unavailable" in caplog.text


def test_a_spam_check_of_your_own_can_be_plugged_in(database, tmp_path):
    app = create_app({**BASE_CONFIG, **database,
                      "SPAM_CHECK": "tests.test_abuse_spam:ShoutingIsSpam"},
                     instance_path=str(tmp_path))
    with app.app_context():
        client = app.test_client()
        site = make_site()
        post_new(client, site.key, "HELLO EVERYONE")
        post_new(client, site.key, "hello everyone")
        statuses = [c.status for c in db.session.scalars(select(Comment).order_by(Comment.id))]
        db.session.remove()
        db.engine.dispose()
    assert statuses == [CommentStatus.SPAM, CommentStatus.APPROVED]


class ShoutingIsSpam:
    def __init__(self, config):
        self.config = config

    def is_spam(self, submission):
        return submission.text.isupper()


# --- edits follow the same rules -----------------------------------------------------------

def edit_own(client, site_key, posted, text):
    token = fresh_token(client, site_key)
    return client.post(f"/t/{site_key}/c/{posted['id']}/edit?url={quote(ARTICLE, safe='')}",
                       data={"csrf_token": token, "edit_token": posted["edit_token"],
                             "text": text}, headers=JSON)


def test_an_edit_cannot_add_more_links_than_a_new_comment_may_have(client, site):
    posted = post_new(client, site.key, "harmless", headers=JSON).json
    response = edit_own(client, site.key, posted, " ".join(f"https://s{n}.example" for n in range(4)))
    assert response.status_code == 422
    assert response.json["errors"] == {"text": ["Your comment has 4 links; at most 3 are allowed."]}
    assert only_comment().text == "harmless"


@pytest.mark.parametrize("app_config", [{"BLOCKED_WORDS": ["casino"]}])
def test_an_edit_with_a_blocked_word_is_held_like_a_new_comment(client, site):
    posted = post_new(client, site.key, "harmless", headers=JSON).json
    response = edit_own(client, site.key, posted, "now visit the casino")
    assert response.status_code == 200 and response.json["status"] == "pending"
    comment = only_comment()
    assert comment.status == CommentStatus.SPAM and comment.spam_reason == "blocked word: casino"
    assert "casino" not in client.application.test_client().get(thread_path(site.key)).text


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "RATELIMIT_POST": "2 per minute",
                                         "RATELIMIT_POST_THREAD": "10 per minute"}])
def test_edits_share_the_networks_posting_budget(client, site):
    posted = post_new(client, site.key, "first", headers=JSON).json
    assert edit_own(client, site.key, posted, "first, fixed").status_code == 200
    assert edit_own(client, site.key, posted, "first, fixed again").status_code == 429


@SQLITE_ONLY
def test_an_edit_goes_through_the_spam_check_with_the_new_text(checked_client, akismet):
    site = make_site()
    posted = post_new(checked_client, site.key, "A kind word", headers=JSON,
                      email="ann@example.org").json
    assert posted["status"] == "approved"
    response = edit_own(checked_client, site.key, posted, "now buy viagra")
    assert response.status_code == 200 and response.json["status"] == "pending"
    comment = only_comment()
    assert comment.status == CommentStatus.SPAM and comment.spam_reason == "spam check"
    path, sent = akismet.requests[-1]
    assert path == "/1.1/comment-check"
    assert sent["comment_content"] == "now buy viagra"
    assert sent["comment_author_email"] == "ann@example.org"


def test_a_banned_commenter_cannot_edit_their_recent_comment(client, site):
    from widget.models import Ban

    posted = post_new(client, site.key, "Said before the ban", headers=JSON,
                      email="ann@example.org").json
    db.session.add(Ban(site_id=site.id, email="ann@example.org", reason="abuse"))
    db.session.commit()
    response = edit_own(client, site.key, posted, "Changed after the ban")
    assert response.status_code == 422
    assert response.json["errors"]["text"] == [
        "You cannot comment on this site: an administrator has blocked your comments."]
    assert only_comment().text == "Said before the ban"
