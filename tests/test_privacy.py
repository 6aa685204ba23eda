"""Privacy: IPs only as hashes under rotating salts, emails never public, export and erase."""

import json
import re
import time
from urllib.parse import quote

import pytest
from sqlalchemy import func, select, text

from widget import create_app
from widget.commenters import erase_commenter
from widget.extensions import db
from widget.models import (
    Comment,
    CommentStatus,
    IpSalt,
    MailAddress,
    OutboxMessage,
    Thread,
    utcnow,
)
from widget.privacy import SECONDS_PER_DAY, current_period, hash_ip, ip_hashes, rotate_salts

from .abuse_helpers import JSON, comment_fields, fresh_token, post, post_new, thread_path
from .conftest import ARTICLE, BASE_CONFIG, make_comment, make_thread

SEEDED_EMAIL = "seeded.secret@example.org"
DAY = SECONDS_PER_DAY


# --- IP hashes under rotating salts ------------------------------------------------------

def salt_periods():
    return db.session.scalars(select(IpSalt.period).order_by(IpSalt.period)).all()


@pytest.mark.parametrize("app_config", [{"IP_SALT_DAYS": 2}])
def test_hashes_are_stable_within_a_period_and_unlinkable_after(app):
    start = 100 * 2 * DAY  # the start of period 100
    assert current_period(start) == 100
    rotate_salts(now=start)  # as at start-up: this period's salt and the next one's
    assert salt_periods() == [100, 101]
    first = hash_ip("203.0.113.9", now=start)
    assert first == hash_ip("203.0.113.9", now=start + 2 * DAY - 1)  # same period
    assert first != hash_ip("203.0.113.10", now=start)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    second = hash_ip("203.0.113.9", now=start + 2 * DAY)  # the next period: a new salt
    assert second != first
    assert ip_hashes("203.0.113.9", now=start + 2 * DAY) == [second, first]  # bans still match
    rotate_salts(now=start + 4 * DAY)  # the scheduler, two periods later
    assert salt_periods() == [101, 102, 103]  # period 100's salt is gone: `first` is unlinkable
    third = hash_ip("203.0.113.9", now=start + 4 * DAY)
    assert first not in ip_hashes("203.0.113.9", now=start + 4 * DAY)
    assert third not in (first, second)


@pytest.mark.parametrize("app_config", [{"IP_SALT_DAYS": 2}])
def test_no_request_makes_a_salt_when_a_period_begins(app, runner, client, site, caplog):
    result = runner.invoke(args=["privacy", "rotate"])
    assert result.exit_code == 0, result.output
    period = current_period()
    assert salt_periods() == [period, period + 1]  # the next one made ahead of time
    assert "were ready" in runner.invoke(args=["privacy", "rotate"]).output

    db.session.execute(text("DELETE FROM ip_salt"))
    db.session.commit()
    rotate_salts(now=time.time() - 2 * DAY)  # the scheduler last ran a period ago...
    db.session.execute(text("DELETE FROM ip_salt WHERE period = :p"), {"p": period})
    db.session.commit()  # ...and this period's salt is missing anyway
    app.extensions.pop("widget.ip_salts", None)  # a new process
    token = fresh_token(client, site.key)
    assert post(client, site.key, comment_fields(token, "no salt of its own")).status_code == 303
    assert salt_periods() == [period - 1]  # the request wrote none...
    assert "No IP salt for period" in caplog.text  # ...it warned and used the previous one
    comment = db.session.scalar(select(Comment))
    assert comment.ip_hash == hash_ip("127.0.0.1", now=time.time() - 2 * DAY)  # the test client's


def test_a_request_never_commits_the_callers_transaction(app, site):
    """Even the last resort (no salt at all) makes it on a connection of its own."""
    db.session.execute(text("DELETE FROM ip_salt"))
    db.session.commit()
    app.extensions.pop("widget.ip_salts", None)
    site.name = "Renamed, not committed"
    hash_ip("192.0.2.1")
    db.session.rollback()
    db.session.expire_all()
    assert site.name == "Blog"


def test_salts_are_random_and_kept_in_the_database(app):
    hash_ip("192.0.2.1")
    salt = db.session.scalar(select(IpSalt.salt))
    assert re.fullmatch(r"[0-9a-f]{64}", salt)
    assert salt not in app.secret_key


def test_a_new_database_makes_a_new_salt(database, tmp_path):
    """Salts are per installation, not derived from the code or the secret alone."""
    hashes = []
    for name in ("one", "two"):
        app = create_app({**BASE_CONFIG, **database}, instance_path=str(tmp_path / name))
        with app.app_context():
            hashes.append(hash_ip("192.0.2.1"))
            db.session.execute(text("DELETE FROM ip_salt"))
            db.session.commit()
            db.engine.dispose()
    assert hashes[0] != hashes[1]


def test_the_posters_ip_is_stored_only_as_the_current_hash(client, site):
    token = fresh_token(client, site.key)
    post(client, site.key, comment_fields(token, "hi"),
         environ_base={"REMOTE_ADDR": "198.51.100.23"})
    comment = db.session.scalar(select(Comment))
    assert comment.ip_hash == hash_ip("198.51.100.23")
    assert comment.ip_hash != hash_ip("198.51.100.24")
    dump = "\n".join(str(value) for row in db.session.execute(select(Comment.__table__))
                     for value in row)
    assert "198.51.100" not in dump


# --- emails never public -------------------------------------------------------------------

def public_get_routes(app):
    """Every GET route outside /admin and /static, with its URL arguments filled in."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.rule.startswith(("/admin", "/static")):
            yield rule


def fill(rule, site, comment):
    values = {"site_key": site.key, "key": site.key, "comment_id": comment.id,
              "id": comment.id, "thread_id": comment.thread_id}
    path = rule.rule
    for argument in rule.arguments:
        path = re.sub(rf"<(?:[^:<>]+:)?{argument}>", str(values.get(argument, "1")), path)
    return f"{path}?url={quote(ARTICLE, safe='')}&urls={quote(ARTICLE, safe='')}"


def test_no_public_response_contains_an_email(app, client, site):
    thread = make_thread(site)
    comment = make_comment(thread, f"Hello, I am {SEEDED_EMAIL.split('@')[0]}",
                           email=SEEDED_EMAIL, website="https://ann.example")
    make_comment(thread, "Reply", parent=comment, email=SEEDED_EMAIL.upper())
    responses = {}
    for rule in public_get_routes(app):
        for headers in ({}, JSON):
            with client.get(fill(rule, site, comment), headers=headers) as response:
                responses[(rule.rule, headers.get("Accept"))] = response.get_data(as_text=True)
    # posting answers too: the JSON of a new comment and the page after a redirect
    posted = post_new(client, site.key, "Mine", headers=JSON, email=SEEDED_EMAIL)
    responses["POST json"] = posted.get_data(as_text=True)
    page = client.post(thread_path(site.key),
                       data=comment_fields(fresh_token(client, site.key), "Third",
                                           email=SEEDED_EMAIL), follow_redirects=True)
    responses["POST page"] = page.text
    assert ("/t/<site_key>", None) in responses  # the thread page was among them
    for where, body in responses.items():
        assert SEEDED_EMAIL.lower() not in body.lower(), where
        assert "seeded.secret%40" not in body.lower(), where


# --- export and erase ------------------------------------------------------------------------

@pytest.fixture
def conversation(site):
    """Ann (by email) in two threads; Bob replies to one of her comments."""
    thread = make_thread(site)
    other = make_thread(site, url="https://blog.example.com/posts/other", title="Other")
    replied = make_comment(thread, "Ann's replied-to comment", author="Ann",
                           email="Ann@Example.org", website="https://ann.example",
                           ip_hash="a" * 64)
    bob = make_comment(thread, "Bob answers Ann", parent=replied, author="Bob",
                       email="bob@example.org")
    lonely = make_comment(other, "Ann alone", author="Ann", email="ann@example.org")
    own_chain_top = make_comment(other, "Ann starts", author="Ann", email="ann@example.org")
    own_chain_reply = make_comment(other, "Ann answers herself", parent=own_chain_top,
                                   author="Ann", email="ann@example.org")
    held = make_comment(thread, "Ann held", author="Ann", email="ann@example.org",
                        status=CommentStatus.SPAM)
    return {"replied": replied.id, "bob": bob.id, "lonely": lonely.id,
            "chain_top": own_chain_top.id, "chain_reply": own_chain_reply.id, "held": held.id,
            "thread": thread.id, "other": other.id}


def test_export_prints_everything_stored_with_that_email(runner, conversation, site):
    result = runner.invoke(args=["commenter", "export", "ANN@example.org"])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    comments = exported["comments"]
    assert [c["id"] for c in comments] == sorted(
        conversation[k] for k in ("replied", "lonely", "chain_top", "chain_reply", "held"))
    first = comments[0]
    assert first["text"] == "Ann's replied-to comment"
    assert first["email"] == "Ann@Example.org" and first["website"] == "https://ann.example"
    assert first["article_url"] == ARTICLE and first["site"] == site.key
    assert first["created_at"].endswith("Z")
    assert {c["status"] for c in comments} == {"approved", "spam"}
    assert "Bob" not in result.output


def test_export_of_an_unknown_email_is_empty(runner, site):
    result = runner.invoke(args=["commenter", "export", "nobody@example.org"])
    assert json.loads(result.output) == {"email": "nobody@example.org", "comments": [],
                                         "reply_notifications": None,
                                         "emails_queued_or_sent": 0}


def test_erase_keeps_the_thread_shape(runner, client, conversation, site):
    versions = dict(db.session.execute(select(Thread.id, Thread.version)).all())
    result = runner.invoke(args=["commenter", "erase", "ann@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert "5 comments made with" in result.output and "4 removed, 1 kept" in result.output
    db.session.expire_all()
    remaining = {c.id: c for c in db.session.scalars(select(Comment))}
    assert set(remaining) == {conversation["replied"], conversation["bob"]}
    placeholder = remaining[conversation["replied"]]
    assert placeholder.status == CommentStatus.DELETED
    assert (placeholder.author, placeholder.email, placeholder.website, placeholder.text,
            placeholder.html, placeholder.ip_hash) == ("", None, None, "", "", None)
    assert remaining[conversation["bob"]].parent_id == conversation["replied"]
    page = client.get(thread_path(site.key)).text
    assert "[deleted]" in page and "Bob answers Ann" in page
    assert "Ann" not in page.replace("Bob answers Ann", "")
    assert "Ann alone" not in client.get(thread_path(site.key, "https://blog.example.com/posts/other")).text
    new_versions = dict(db.session.execute(select(Thread.id, Thread.version)).all())
    assert all(new_versions[thread_id] > versions[thread_id] for thread_id in versions)
    counts = client.get("/api/counts", query_string={"site": site.key, "url": ARTICLE}).json
    assert counts["counts"][ARTICLE] == 1  # Bob's reply alone is left to count
    assert json.loads(runner.invoke(args=["commenter", "export", "ann@example.org"]).output)[
        "comments"] == []


def test_erase_asks_first(runner, conversation):
    result = runner.invoke(args=["commenter", "erase", "ann@example.org"], input="n\n")
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count(Comment.id))) == 6
    result = runner.invoke(args=["commenter", "erase", "ann@example.org"], input="y\n")
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count(Comment.id))) == 2


def test_erase_of_an_unknown_email_changes_nothing(runner, conversation):
    result = runner.invoke(args=["commenter", "erase", "nobody@example.org", "--yes"])
    assert "Nothing is stored with nobody@example.org." in result.output
    assert db.session.scalar(select(func.count(Comment.id))) == 6


def test_an_erased_reply_to_target_keeps_its_link_as_deleted(client, site):
    thread = make_thread(site)
    answered = make_comment(thread, "deep", author="Dee", email="dee@example.org")
    make_comment(thread, "answer", author="Cap", reply_to_id=answered.id)
    make_comment(thread, "keeps Dee's comment a placeholder", parent=answered)
    erase_commenter("dee@example.org")
    page = client.get(thread_path(site.key)).text
    assert f'href=#c-{answered.id}>in reply to a deleted comment</a>' in page


def test_export_and_erase_cover_the_mail_kept_for_the_address(runner, conversation):
    db.session.add(MailAddress(email="ann@example.org", confirmed_at=utcnow()))
    db.session.add(OutboxMessage(kind="reply", recipient="Ann@example.org", subject="Re",
                                 body="Bob answered"))
    db.session.add(OutboxMessage(kind="reply", recipient="bob@example.org", subject="Re",
                                 body="Ann answered"))
    db.session.commit()
    exported = json.loads(runner.invoke(args=["commenter", "export", "ann@example.org"]).output)
    assert exported["reply_notifications"]["confirmed_at"].endswith("Z")
    assert exported["emails_queued_or_sent"] == 1
    runner.invoke(args=["commenter", "erase", "ann@example.org", "--yes"])
    db.session.expire_all()
    assert db.session.scalars(select(MailAddress.email)).all() == []
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["bob@example.org"]
