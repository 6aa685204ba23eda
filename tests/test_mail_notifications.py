"""Reply notifications by email, double opt-in and one-click unsubscribe, against a real
SMTP server (aiosmtpd) that the app talks to over TCP."""

import re
from urllib.parse import urlsplit

import pytest

from tests.commenting import JSON, post_json, post_form, thread_path
from tests.conftest import ARTICLE
from tests.mailserver import body_of, smtp_server  # noqa: F401 (fixture)
from widget.extensions import db
from widget.mail.outbox import send_due
from widget.models import Comment, MailAddress, OutboxMessage


@pytest.fixture
def app_config(smtp_server):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_WORKER": False,
            "MAIL_FROM": "Comments <comments@blog.example.com>"}


def link_in(message, path_part):
    url = re.search(r"(http://comments\.test\S*%s\S*)" % path_part, body_of(message)).group(1)
    return urlsplit(url).path


def csrf_of(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def confirm_address(client, message):
    path = link_in(message, "/mail/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and "Yes, email me replies" in page.get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_of(page.get_data(as_text=True))})


def test_the_checkbox_shows_only_when_mail_is_configured(app, client, site):
    assert "Email me replies" in client.get(thread_path(site)).get_data(as_text=True)
    app.config["MAIL_SERVER"] = None
    assert "Email me replies" not in client.get(thread_path(site)).get_data(as_text=True)


def test_asking_for_replies_needs_an_email(client, site):
    response = post_json(client, site, notify="y")
    assert response.status_code == 422
    assert response.get_json()["errors"]["notify"] == [
        "Enter your email address to get replies by email."]
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_double_opt_in_then_replies_then_one_click_unsubscribe(app, client, site, smtp_server):
    asked = post_json(client, site, text="Tell me", email="Ann@Example.com", notify="y")
    assert asked.status_code == 201
    # Posting only queued the mail: nothing was sent while the request ran.
    assert smtp_server.messages == []
    assert send_due() == (1, 0, 0)
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "ann@example.com"
    assert confirmation["From"] == "Blog <comments@blog.example.com>"  # the site, at MAIL_FROM
    assert "confirm" in confirmation["Subject"].lower()

    # Before confirming, replies send nothing (the form is no spam relay).
    post_json(client, site, text="Early reply", name="Bob", parent=str(asked.get_json()["id"]))
    assert send_due() == (0, 0, 0)

    # GET only shows a page (mail scanners open links); the POST confirms.
    assert db.session.scalar(db.select(MailAddress.confirmed_at)) is None
    assert confirm_address(client, confirmation).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(db.select(MailAddress.confirmed_at)) is not None

    reply = post_json(client, site, text="A *reply*", name="Bob", email="bob@example.com",
                      parent=str(asked.get_json()["id"])).get_json()
    assert send_due() == (1, 0, 0)
    notification = smtp_server.messages[-1]
    assert notification["To"] == "Ann@Example.com"
    assert notification["Subject"] == "Bob replied to your comment on https://blog.example.com/posts/hello"
    body = body_of(notification)
    assert f"{ARTICLE}#c-{reply['id']}" in body and "A *reply*" in body
    assert "bob@example.com" not in body
    unsubscribe = re.match(r"<(http://comments\.test(/mail/unsubscribe/\S+))>",
                           notification["List-Unsubscribe"])
    assert notification["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.group(1) in body

    # RFC 8058: the mail client POSTs with no cookie and no form token.
    one_click = app.test_client().post(unsubscribe.group(2),
                                       data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "No more reply notifications" in one_click.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Comment, asked.get_json()["id"]).notify_replies is False

    post_json(client, site, text="Another", name="Cy", parent=str(asked.get_json()["id"]))
    assert send_due() == (0, 0, 0)
    assert len(smtp_server.messages) == 2


def test_a_confirmation_is_sent_once_per_address_per_day(client, site, smtp_server):
    post_json(client, site, email="ann@example.com", notify="y")
    post_json(client, site, email="ANN@example.com", notify="y")
    assert send_due() == (1, 0, 0)
    assert db.session.scalar(db.select(db.func.count(MailAddress.id))) == 1


def test_no_mail_for_replying_to_oneself_or_without_opt_in(client, site, smtp_server):
    plain = post_json(client, site, email="ann@example.com").get_json()
    post_json(client, site, name="Bob", parent=str(plain["id"]))
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_unsubscribe_page_and_bad_links(client, site):
    assert client.get("/mail/unsubscribe/garbage").status_code == 400
    assert client.post("/mail/unsubscribe/garbage").status_code == 400
    response = client.get("/mail/confirm/garbage")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_confirming_needs_the_session_csrf_token(client, site, smtp_server):
    post_json(client, site, email="ann@example.com", notify="y")
    send_due()
    path = link_in(smtp_server.messages[0], "/mail/confirm/")
    assert client.post(path, data={}).status_code == 400
    assert db.session.scalar(db.select(MailAddress.confirmed_at)) is None


def test_the_no_script_form_asks_too(client, site, smtp_server):
    response = post_form(client, site, email="ann@example.com", notify="y")
    assert response.status_code == 303
    assert send_due() == (1, 0, 0)
    assert smtp_server.messages[0]["To"] == "ann@example.com"


def test_json_post_is_not_slowed_by_mail(client, site, smtp_server):
    response = client.post(thread_path(site), headers=JSON, data={})
    assert response.status_code == 422  # sanity: the endpoint answers JSON errors
    post_json(client, site, email="ann@example.com", notify="y")
    queued = db.session.scalar(db.select(OutboxMessage))
    assert queued.sent_at is None and queued.kind == "confirm"
