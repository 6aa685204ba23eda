"""The outbox: sent in the background, retried on failure, never silently lost; and the
moderators' emails with approve/delete links that only act on POST."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.commenting import page_token, post_json, thread_path
from tests.mailserver import body_of, free_port, smtp_server  # noqa: F401 (fixture)
from widget.extensions import db
from widget.mail.outbox import send_due, worker
from widget.models import Comment, CommentStatus, MailAddress, ModerationMode, OutboxMessage, \
    Thread, utcnow


@pytest.fixture
def app_config(smtp_server):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_WORKER": False,
            "MODERATOR_EMAILS": "mod@example.com, second@example.com"}


def outbox():
    db.session.expire_all()
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_the_background_worker_sends_without_being_asked(app, client, site, smtp_server):
    app.config["MAIL_WORKER"] = True
    app.config["MAIL_POLL_INTERVAL"] = 30
    from widget.mail import outbox as outbox_module

    outbox_module.init_app(app)
    try:
        post_json(client, site, email="ann@example.com", notify="y")
        assert len(smtp_server.wait_for(1)) == 1
        assert smtp_server.messages[0]["To"] == "ann@example.com"
    finally:
        worker(app).stop()
    assert outbox()[0].sent_at is not None


def test_a_failure_is_logged_and_retried_later(app, client, site, smtp_server, caplog):
    port = smtp_server.port
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    post_json(client, site, email="ann@example.com", notify="y")
    assert send_due() == (0, 1, 0)
    [message] = outbox()
    assert message.attempts == 1 and message.sent_at is None and message.failed_at is None
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert "retrying in 60s" in caplog.text
    assert send_due() == (0, 0, 0)  # not due yet

    app.config["MAIL_PORT"] = port
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert send_due() == (1, 0, 0)
    assert outbox()[0].sent_at is not None and outbox()[0].last_error is None
    assert len(smtp_server.messages) == 1


def test_after_max_attempts_it_is_kept_as_failed_and_can_be_retried(app, client, runner, site,
                                                                    smtp_server, caplog):
    port = smtp_server.port
    app.config.update(MAIL_PORT=free_port(), MAIL_MAX_ATTEMPTS=2, MAIL_RETRY_DELAY=0)
    post_json(client, site, email="ann@example.com", notify="y")
    assert send_due() == (0, 1, 0)
    assert send_due() == (0, 0, 1)
    [message] = outbox()
    assert message.failed_at is not None and message.attempts == 2
    assert "Gave up on mail" in caplog.text

    status = runner.invoke(args=["mail", "status"])
    assert "failed: 1" in status.output and "ConnectionRefusedError" in status.output
    failed_again = runner.invoke(args=["mail", "send-pending"])
    assert "Sent 0" in failed_again.output

    app.config["MAIL_PORT"] = port
    result = runner.invoke(args=["mail", "send-pending", "--retry-failed"])
    assert result.exit_code == 0, result.output
    assert "Sent 1; 0 will be retried; gave up on 0." in result.output
    assert len(smtp_server.messages) == 1


def test_send_pending_command_sends_the_queue(client, runner, site, smtp_server):
    for number in range(3):
        post_json(client, site, email=f"user{number}@example.com", notify="y")
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 0 and "Sent 3;" in result.output
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "user0@example.com", "user1@example.com", "user2@example.com"]
    assert runner.invoke(args=["mail", "send-pending"]).output.startswith("Sent 0;")


def test_a_claimed_message_is_not_sent_twice(client, site, smtp_server):
    post_json(client, site, email="ann@example.com", notify="y")
    [message] = outbox()
    message.claimed_until = utcnow() + timedelta(seconds=60)  # another process is on it
    db.session.commit()
    assert send_due() == (0, 0, 0)
    assert smtp_server.messages == []


def moderation_links(message):
    body = body_of(message)
    approve = re.search(r"Approve: http://comments\.test(\S+)", body).group(1)
    delete = re.search(r"Delete:  http://comments\.test(\S+)", body).group(1)
    return urlsplit(approve).path, urlsplit(delete).path


def csrf_of(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def moderated(site):
    site.moderation = ModerationMode.ALL
    db.session.commit()
    return site


def test_moderators_get_approve_links_that_act_only_on_post(client, moderated, smtp_server):
    posted = post_json(client, moderated, text="Please *approve*", email="ann@example.com")
    assert posted.get_json()["status"] == "pending"
    assert send_due() == (2, 0, 0)
    [to_mod] = smtp_server.to("mod@example.com")
    assert smtp_server.to("second@example.com")
    assert "awaiting moderation" in to_mod["Subject"]
    assert "Please *approve*" in body_of(to_mod)
    approve, _ = moderation_links(to_mod)

    page = client.get(approve)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Approve comment" in text and "<em>approve</em>" in text
    comment = db.session.get(Comment, posted.get_json()["id"])
    assert comment.status == CommentStatus.PENDING  # a GET changes nothing
    version = db.session.get(Thread, comment.thread_id).version

    forged = client.post(approve, data={})  # no CSRF token: refused, nothing done
    assert forged.status_code == 400 and "CSRF token is missing" in forged.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == CommentStatus.PENDING

    done = client.post(approve, data={"csrf_token": csrf_of(text)})
    assert "Comment approved" in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).status == CommentStatus.APPROVED
    assert db.session.get(Thread, comment.thread_id).version == version + 1
    again = client.post(approve, data={"csrf_token": csrf_of(text)})
    assert "already approved" in again.get_data(as_text=True)
    assert "Please" in client.get(thread_path(moderated)).get_data(as_text=True)


def test_delete_link_deletes_after_confirmation(client, moderated, smtp_server):
    posted = post_json(client, moderated, text="spammy").get_json()
    send_due()
    _, delete = moderation_links(smtp_server.to("mod@example.com")[0])
    page = client.get(delete).get_data(as_text=True)
    client.post(delete, data={"csrf_token": csrf_of(page)})
    db.session.expire_all()
    assert db.session.get(Comment, posted["id"]).status == CommentStatus.DELETED


def test_approval_by_link_notifies_the_parent_author(client, moderated, smtp_server):
    parent = post_json(client, moderated, text="parent", email="ann@example.com",
                       notify="y").get_json()
    db.session.get(Comment, parent["id"]).status = CommentStatus.APPROVED
    address = db.session.scalar(db.select(MailAddress))
    address.confirmed_at = utcnow()
    db.session.commit()
    reply = post_json(client, moderated, text="pending reply", name="Bob",
                      parent=str(parent["id"])).get_json()
    send_due()
    assert smtp_server.to("ann@example.com")[0]["Subject"].startswith("Please confirm")
    assert len(smtp_server.to("ann@example.com")) == 1  # not notified while pending

    approve, _ = moderation_links(smtp_server.to("mod@example.com")[-1])
    client.post(approve, data={"csrf_token": csrf_of(client.get(approve).get_data(as_text=True))})
    send_due()
    notification = smtp_server.to("ann@example.com")[-1]
    assert "Bob replied" in notification["Subject"]
    assert f"#c-{reply['id']}" in body_of(notification)


def test_moderation_links_are_signed(client, moderated):
    response = client.get("/mail/moderate/forged.token.here")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


@pytest.mark.parametrize("setting", ["mod@example.com, second@example.com",
                                     ["mod@example.com", "second@example.com"]])
def test_moderator_emails_as_a_string_or_a_list(app, setting):
    from widget.mail.notifications import moderator_addresses

    app.config["MODERATOR_EMAILS"] = setting
    assert moderator_addresses() == ["mod@example.com", "second@example.com"]


def test_no_moderation_mail_without_moderators(app, client, moderated, smtp_server):
    app.config["MODERATOR_EMAILS"] = ""
    post_json(client, moderated, text="pending")
    assert outbox() == []


def test_an_edit_back_to_pending_asks_the_moderators_again(client, site, smtp_server):
    site.moderation = ModerationMode.FIRST
    db.session.commit()
    posted = post_json(client, site, text="harmless", email="new@example.com").get_json()
    db.session.get(Comment, posted["id"]).status = CommentStatus.APPROVED
    db.session.commit()
    send_due()
    before = len(smtp_server.to("mod@example.com"))
    client.post(f"/t/{site.key}/c/{posted['id']}/edit?url=https://blog.example.com/posts/hello",
                headers={"Accept": "application/json"},
                data={"csrf_token": page_token(client, site), "edit_token": posted["edit_token"],
                      "text": "now with https://spam.example.com"})
    send_due()
    [request] = smtp_server.to("mod@example.com")[before:]
    assert "now with https://spam.example.com" in body_of(request)
