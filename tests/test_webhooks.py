"""Webhooks against a real HTTP receiver on 127.0.0.1 that checks every signature: each
comment change on every path becomes its event, sent in the background, retried with a
doubling delay through failures and timeouts, and formatted for Slack and Discord."""

import json
from datetime import timedelta

import pytest

from tests.admin.conftest import make_admin
from tests.commenting import post_json
from tests.conftest import make_comment, make_thread
from tests.webhook_receiver import receiver  # noqa: F401 (fixture)
from widget.admin.moderation import moderate
from widget.commenters import erase_commenter
from widget.editing import delete_comment, edit_comment
from widget.extensions import db
from widget.mail.moderation import moderate as moderate_by_link
from widget.models import Comment, ModerationMode, utcnow
from widget.webhooks import sending
from widget.webhooks.models import WebhookDelivery
from widget.webhooks.rules import WebhookRefused, create_webhook, resend
from widget.webhooks.sending import send_due
from widget.webhooks.worker import worker


@pytest.fixture
def app_config():
    return {"WEBHOOK_WORKER": False, "WEBHOOK_ALLOW_PRIVATE_TARGETS": True,
            "WEBHOOK_RETRY_DELAY": 0, "WEBHOOK_TIMEOUT": 0.5, "WEBHOOK_MAX_ATTEMPTS": 5}


def add_webhook(site, receiver, events=None, format_name="generic"):  # noqa: F811
    from widget.webhooks.models import EVENTS

    webhook = create_webhook(site, receiver.url, list(events or EVENTS), format_name)
    db.session.commit()
    receiver.secrets.append(webhook.secret)
    return webhook


def deliveries():
    db.session.expire_all()
    return db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)).all()


def events_sent():
    return [(delivery.event, delivery.payload["comment"]["status"]) for delivery in deliveries()]


def test_a_published_comment_reaches_the_receiver_signed(client, site, receiver):  # noqa: F811
    add_webhook(site, receiver)
    response = post_json(client, site, text="Hello *world*", name="Ann",
                         email="ann@example.org", title="Hello")
    assert response.status_code == 201, response.text
    # Written with the comment, not sent by the request that posted it.
    [queued] = deliveries()
    assert queued.state == "queued" and receiver.requests == 0

    assert send_due() == (1, 0, 0)
    [got] = receiver.accepted
    assert receiver.refused == []
    comment = db.session.scalars(db.select(Comment)).one()
    body = got["json"]
    assert body["event"] == "comment.created"
    assert body["delivery"] == got["headers"]["X-Widget-Delivery"] == queued.uid
    assert str(body["timestamp"]) == got["headers"]["X-Widget-Timestamp"]
    assert got["headers"]["X-Widget-Signature"].startswith("sha256=")
    assert body["site"] == site.key
    assert body["thread"]["url"] == "https://blog.example.com/posts/hello"
    assert body["comment"] == {
        "id": comment.id, "parent_id": None, "author": "Ann", "text": "Hello *world*",
        "html": comment.html, "status": "approved",
        "permalink": f"https://blog.example.com/posts/hello#c-{comment.id}",
        "created_at": comment.created_at.isoformat(timespec="seconds") + "Z",
        "edited_at": None,
    }
    assert "<em>world</em>" in comment.html
    # Never the email or the IP hash, anywhere in the body.
    assert b"ann@example.org" not in got["body"] and comment.ip_hash not in got["body"].decode()

    [delivered] = deliveries()
    assert delivered.state == "delivered" and delivered.attempts == 1
    [attempt] = delivered.attempt_log
    assert attempt.status_code == 200 and attempt.error is None and attempt.duration_ms >= 0


def test_a_receiver_with_another_secret_refuses_and_it_is_retried(site, receiver):  # noqa: F811
    add_webhook(site, receiver)
    receiver.secrets = ["not-the-secret"]
    make_comment(make_thread(site), "Hi")
    post_through_rules(site)
    assert send_due() == (0, 1, 0)
    assert [problem for problem, _ in receiver.refused] == ["bad signature"]
    [delivery] = deliveries()
    assert delivery.state == "queued" and delivery.last_status_code == 401
    assert delivery.last_error == "HTTP 401"


def post_through_rules(site, text="Hello", moderation=None):
    """A comment posted the way the form posts it (threads.post_comment)."""
    from widget.threads import NewComment, post_comment

    if moderation is not None:
        site.moderation = moderation
        db.session.commit()
    return post_comment(site, "https://blog.example.com/posts/hello", "Hello",
                        NewComment(author="Ann", email="ann@example.org", website=None,
                                   text=text, parent_id=None))


def test_fails_times_out_and_recovers_with_a_doubling_delay(app, site, receiver):  # noqa: F811
    app.config["WEBHOOK_RETRY_DELAY"] = 60
    add_webhook(site, receiver)
    receiver.script = [500, "hang"]
    post_through_rules(site)

    def force_due():
        delivery = deliveries()[0]
        delivery.next_attempt_at = utcnow()
        db.session.commit()

    started = utcnow()
    assert send_due() == (0, 1, 0)  # the receiver answered 500
    delivery = deliveries()[0]
    assert delivery.last_status_code == 500 and delivery.last_error == "HTTP 500"
    retry_in = delivery.next_attempt_at - started
    assert timedelta(seconds=59) < retry_in < timedelta(seconds=61)
    assert send_due() == (0, 0, 0)  # not due yet

    force_due()
    assert send_due() == (0, 1, 0)  # the receiver hung longer than WEBHOOK_TIMEOUT
    delivery = deliveries()[0]
    assert delivery.last_status_code is None and delivery.last_error.startswith("Timed out")
    assert delivery.next_attempt_at > utcnow() + timedelta(seconds=110)  # 60 s, then 120 s

    force_due()
    assert send_due() == (1, 0, 0)
    delivery = deliveries()[0]
    assert delivery.state == "delivered" and delivery.attempts == 3
    assert delivery.last_error is None and delivery.last_status_code == 200
    assert [(a.status_code, (a.error or "")[:9]) for a in delivery.attempt_log] == [
        (500, "HTTP 500"), (None, "Timed out"), (200, "")]
    assert receiver.requests == 3
    # Each retry was the same delivery (one id), signed afresh with its own timestamp.
    [accepted] = receiver.accepted
    assert accepted["json"]["delivery"] == delivery.uid


def test_after_max_attempts_it_is_given_up_and_a_resend_delivers_it(app, site,
                                                                    receiver):  # noqa: F811
    app.config["WEBHOOK_MAX_ATTEMPTS"] = 2
    add_webhook(site, receiver)
    receiver.script = [503, 503]
    post_through_rules(site)
    assert send_due() == (0, 1, 0)
    assert send_due() == (0, 0, 1)
    [failed] = deliveries()
    assert failed.state == "failed" and failed.attempts == 2
    assert send_due() == (0, 0, 0)

    again = resend(failed)
    db.session.commit()
    assert send_due() == (1, 0, 0)
    assert again.uid != failed.uid and again.resend_of_id == failed.id
    [accepted] = receiver.accepted
    assert accepted["json"]["delivery"] == again.uid
    assert accepted["json"]["comment"] == failed.payload["comment"]


def test_finished_deliveries_are_forgotten_after_the_days_kept(app, site, receiver):  # noqa: F811
    add_webhook(site, receiver)
    for text in ("old delivered", "old given up", "recent delivered", "old still due"):
        post_through_rules(site, text=text)
    assert send_due() == (4, 0, 0)
    old = utcnow() - timedelta(days=app.config["WEBHOOK_DELIVERIES_KEPT_DAYS"] + 1)
    by_text = {delivery.payload["comment"]["text"]: delivery for delivery in deliveries()}
    by_text["old delivered"].delivered_at = old
    given_up = by_text["old given up"]
    given_up.delivered_at, given_up.failed_at = None, old
    due = by_text["old still due"]
    due.delivered_at, due.created_at = None, old
    db.session.commit()
    kept_ids = {by_text["recent delivered"].id, due.id}

    assert sending.prune_finished(utcnow()) == 2

    assert {delivery.id for delivery in deliveries()} == kept_ids
    attempts = db.session.scalars(db.select(sending.WebhookAttempt.delivery_id)).all()
    assert set(attempts) == kept_ids  # the forgotten deliveries' attempts went with them


def test_a_receiver_refuses_a_replayed_delivery(site, receiver):  # noqa: F811
    """What the README tells receivers to do works: the same delivery twice is refused."""
    add_webhook(site, receiver)
    post_through_rules(site)
    assert send_due() == (1, 0, 0)
    delivery = deliveries()[0]
    delivery.delivered_at = None  # as if the receiver's answer had been lost
    db.session.commit()
    assert send_due() == (1, 0, 0)  # acknowledged, not handled twice
    assert [problem for problem, _ in receiver.refused] == ["repeated delivery"]
    assert len(receiver.accepted) == 1


def test_the_background_worker_sends_after_the_commit(app, client, site,
                                                      receiver):  # noqa: F811
    app.config.update(WEBHOOK_WORKER=True, WEBHOOK_POLL_INTERVAL=30)
    from widget.webhooks import worker as worker_module

    worker_module.init_app(app)
    add_webhook(site, receiver)
    try:
        assert post_json(client, site).status_code == 201
        assert wait_until(lambda: receiver.accepted)
    finally:
        worker(app).stop()
    assert deliveries()[0].state == "delivered"


def wait_until(condition, timeout=10):
    import time

    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_every_path_that_changes_a_comment_tells_the_webhook(site, receiver):  # noqa: F811
    add_webhook(site, receiver)
    admin = make_admin()
    held = post_through_rules(site, "Held", moderation=ModerationMode.ALL)
    assert events_sent() == [("comment.pending", "pending")]

    moderate(admin, [held], "approve")
    moderate(admin, [held], "spam")  # an approved comment leaves the thread
    moderate(admin, [held], "approve")  # out of spam: published again
    moderate(admin, [held], "delete")
    moderate(admin, [held], "restore")
    assert events_sent()[1:] == [
        ("comment.approved", "approved"), ("comment.deleted", "spam"),
        ("comment.approved", "approved"), ("comment.deleted", "deleted"),
        ("comment.approved", "approved")]

    by_link = post_through_rules(site, "By link")
    moderate_by_link(by_link, "approve", "mod@example.org")
    other = post_through_rules(site, "Deleted by link")
    moderate_by_link(other, "delete", "mod@example.org")
    assert events_sent()[6:] == [
        ("comment.pending", "pending"), ("comment.approved", "approved"),
        ("comment.pending", "pending"), ("comment.deleted", "deleted")]

    site.moderation = ModerationMode.FIRST  # Ann has approved comments now
    db.session.commit()
    own = post_through_rules(site, "Mine")
    edit_comment(site, own, "Mine, edited")
    delete_comment(own)
    assert events_sent()[10:] == [
        ("comment.created", "approved"), ("comment.deleted", "deleted")]

    # Nothing for a spam comment deleted, or a deleted comment deleted again.
    moderate(admin, [by_link], "spam")
    count = len(deliveries())
    moderate(admin, [by_link], "delete")
    assert len(deliveries()) == count


def test_an_edit_held_again_awaits_moderation_again(site, receiver):  # noqa: F811
    add_webhook(site, receiver)
    site.moderation = ModerationMode.FIRST
    db.session.commit()
    comment = make_comment(make_thread(site), "First", email="new@example.org")
    edit_comment(site, comment, "Edited by a newcomer")
    assert events_sent() == [("comment.pending", "pending")]
    edit_comment(site, comment, "Now spam", spam_reason="blocked word")
    assert events_sent()[1:] == [("comment.deleted", "spam")]


def test_a_spam_comment_and_unsubscribed_events_send_nothing(site, receiver):  # noqa: F811
    add_webhook(site, receiver, events=["comment.deleted"])
    post_through_rules(site)  # published: not subscribed
    from widget.threads import NewComment, post_comment

    post_comment(site, "https://blog.example.com/posts/hello", "Hello",
                 NewComment(author="Bot", email=None, website=None, text="spam",
                            parent_id=None, spam_reason="too fast"))
    assert deliveries() == []


def test_another_sites_comments_are_not_sent(site, receiver):  # noqa: F811
    from tests.conftest import make_site

    add_webhook(make_site("Other", origins=["https://other.example.com"]), receiver)
    post_through_rules(site)
    assert deliveries() == []


def test_erasing_a_commenter_sends_deleted_without_their_words(site, receiver):  # noqa: F811
    add_webhook(site, receiver)
    thread = make_thread(site)
    kept = post_through_rules(site, "I will ask to be forgotten")
    make_comment(thread, "A reply", parent=kept, author="Bob")
    erase_commenter("ann@example.org")
    created, erased = deliveries()
    assert erased.event == "comment.deleted" and erased.comment_id == kept.id
    for delivery in (created, erased):  # the earlier delivery forgets too
        assert delivery.payload["comment"]["author"] == ""
        assert delivery.payload["comment"]["text"] == delivery.payload["comment"]["html"] == ""
    assert erased.payload["comment"]["status"] == "deleted"
    assert send_due() == (2, 0, 0)
    assert b"forgotten" not in b"".join(got["body"] for got in receiver.accepted)


def test_slack_and_discord_presets(site, receiver):  # noqa: F811
    add_webhook(site, receiver, format_name="slack")
    add_webhook(site, receiver, format_name="discord")
    comment = post_through_rules(site, "<!channel> @everyone look")
    assert send_due() == (2, 0, 0)
    slack, discord = (got["json"] for got in receiver.accepted)
    assert list(slack) == ["text"]
    assert slack["text"] == (
        "*New comment by Ann on “Hello”*\n> &lt;!channel&gt; @everyone look\n"
        f"<https://blog.example.com/posts/hello#c-{comment.id}>")
    assert discord == {
        "content": "**New comment by Ann on “Hello”**\n> <!channel> @everyone look\n"
                   f"https://blog.example.com/posts/hello#c-{comment.id}",
        "allowed_mentions": {"parse": []}}


def test_chat_presets_speak_the_sites_language(site, receiver):  # noqa: F811
    site.default_language = "de"
    db.session.commit()
    add_webhook(site, receiver, format_name="discord")
    post_through_rules(site)
    assert send_due() == (1, 0, 0)
    content = receiver.accepted[0]["json"]["content"]
    assert content.startswith("**Neuer Kommentar von Ann zu „Hello“**"), content


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.0.0.5/hook",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook",
])
def test_our_own_network_is_refused_by_default(app, site, url):
    app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = False
    with pytest.raises(WebhookRefused) as refusal:
        create_webhook(site, url, ["comment.created"], "generic")
    assert "own network" in str(refusal.value)


def test_a_name_resolving_to_our_network_is_refused_when_sending(app, site, monkeypatch,
                                                                receiver):  # noqa: F811
    webhook = add_webhook(site, receiver)
    webhook.url = "http://hooks.example.com/in"
    db.session.commit()
    app.config["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = False
    monkeypatch.setattr(sending.socket, "getaddrinfo",
                        lambda *args, **kwargs: [(2, 1, 6, "", ("127.0.0.1", 80))])
    post_through_rules(site)
    assert send_due() == (0, 1, 0)
    assert "resolves to 127.0.0.1" in deliveries()[0].last_error
    assert receiver.requests == 0


@pytest.mark.parametrize("url, events, format_name, field", [
    ("", ["comment.created"], "generic", "url"),
    ("ftp://example.com/x", ["comment.created"], "generic", "url"),
    ("https://", ["comment.created"], "generic", "url"),
    ("https://exa mple.com/", ["comment.created"], "generic", "url"),
    ("https://example.com:port/", ["comment.created"], "generic", "url"),
    ("https://example.com/" + "x" * 2100, ["comment.created"], "generic", "url"),
    ("https://example.com/", [], "generic", "events"),
    ("https://example.com/", ["comment.liked"], "generic", "events"),
    ("https://example.com/", ["comment.created"], "teams", "format"),
])
def test_bad_webhooks_are_refused_with_a_reason(site, url, events, format_name, field):
    with pytest.raises(WebhookRefused) as refusal:
        create_webhook(site, url, events, format_name)
    assert list(refusal.value.errors) == [field]
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(WebhookDelivery)) == 0


def test_cli_add_list_remove_and_send(runner, site, receiver):  # noqa: F811
    added = runner.invoke(args=["webhooks", "add", site.key, receiver.url, "--event",
                                "comment.created", "--json"])
    assert added.exit_code == 0, added.output
    created = json.loads(added.output)
    assert created["events"] == ["comment.created"] and created["format"] == "generic"
    assert len(created["secret"]) == 64
    receiver.secrets.append(created["secret"])

    listed = runner.invoke(args=["webhooks", "list", "--site", site.key, "--json"])
    [webhook] = json.loads(listed.output)
    assert webhook["url"] == receiver.url and "secret" not in webhook
    assert created["secret"] not in runner.invoke(args=["webhooks", "list"]).output

    post_through_rules(site)
    sent = runner.invoke(args=["webhooks", "send-pending"])
    assert sent.exit_code == 0 and "Delivered 1" in sent.output
    assert len(receiver.accepted) == 1

    removed = runner.invoke(args=["webhooks", "remove", str(created["id"])])
    assert removed.exit_code == 0
    assert json.loads(runner.invoke(args=["webhooks", "list", "--json"]).output) == []
    assert deliveries() == []


def test_cli_refuses_bad_input_plainly(runner, site):
    bad_url = runner.invoke(args=["webhooks", "add", site.key, "ftp://example.com/"])
    assert bad_url.exit_code == 1 and "https://" in bad_url.output
    no_site = runner.invoke(args=["webhooks", "add", "nope", "https://example.com/"])
    assert no_site.exit_code == 1 and "No site has the key nope" in no_site.output
    missing = runner.invoke(args=["webhooks", "remove", "99"])
    assert missing.exit_code == 1 and "No webhook has the id 99" in missing.output
    assert json.loads(runner.invoke(args=["webhooks", "list", "--json"]).output) == []
