"""Every mail speaks its recipient's language, never the sender's, against a real SMTP
server: reply notifications the language of the page their recipient subscribed on,
moderation requests the moderator's (their dashboard language), with the site's name as
the sender and the links opening pages in the same language."""

import re
from email.utils import parseaddr

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from tests.admin.conftest import make_admin
from tests.commenting import JSON, page_token, thread_path
from tests.mailserver import body_of, smtp_server  # noqa: F401 (fixture)
from widget.extensions import db
from widget.mail import notifications
from widget.mail.outbox import send_due
from widget.models import Admin, ModerationMode


@pytest.fixture
def app_config(smtp_server):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_WORKER": False,
            "MAIL_FROM": "Comments <comments@blog.example.com>",
            "MODERATOR_EMAILS": "mod@example.com, mod-de@example.com"}


def post_in(client, site, language, **fields):
    data = {"csrf_token": page_token(client, site), "name": "Ann", "text": "Hello", **fields}
    response = client.post(thread_path(site, lang=language), data=data, headers=JSON)
    assert response.status_code == 201, response.text
    return response.get_json()["id"]


def in_language(language, message, **values):
    with force_locale(language):
        return _(message, **values)


@pytest.mark.parametrize(("subscriber", "replier"), [("en", "ar"), ("de", "en"), ("fr", "de")])
def test_a_reply_notification_speaks_the_subscribers_language(client, site, smtp_server,
                                                              subscriber, replier):
    site.name = "Ann's Blog"
    first = post_in(client, site, subscriber, email="ann@example.com", notify="y")
    notifications.confirm("ann@example.com")
    post_in(client, site, replier, name="Bob", text="A reply", parent=str(first))
    send_due()
    [reply] = [message for message in smtp_server.to("ann@example.com")
               if "confirm" not in body_of(message)]
    expected = in_language(subscriber, "%(author)s replied to your comment on %(article)s",
                           author="Bob", article="https://blog.example.com/posts/hello")
    assert reply["Subject"] == expected
    assert parseaddr(reply["From"]) == ("Ann's Blog", "comments@blog.example.com")
    unsubscribe = re.search(r"(http\S+/mail/unsubscribe/\S+)", body_of(reply)).group(1)
    assert f"lang={subscriber}" in unsubscribe
    page = client.get(unsubscribe.split("comments.test", 1)[-1]).text
    assert f'lang="{subscriber}"' in page


def test_moderation_mails_speak_each_moderators_language(client, site, smtp_server):
    site.moderation = ModerationMode.ALL
    make_admin("mod-de@example.com")
    db.session.execute(db.update(Admin).values(language="de"))
    db.session.commit()
    for language in ("ar", "fr", "en"):
        post_in(client, site, language, text=f"Written on a {language} page")
    send_due()
    english = smtp_server.to("mod@example.com")
    german = smtp_server.to("mod-de@example.com")
    assert len(english) == len(german) == 3
    article = "https://blog.example.com/posts/hello"
    assert {m["Subject"] for m in english} == {
        in_language("en", "Comment awaiting moderation on %(article)s", article=article)}
    assert {m["Subject"] for m in german} == {
        in_language("de", "Comment awaiting moderation on %(article)s", article=article)}
    assert all("lang=de" in body_of(m) for m in german)
    assert parseaddr(german[0]["From"])[0] == site.name


def test_the_dashboard_language_at_sign_in_is_the_moderators(app, client):
    from tests.admin.conftest import Dashboard
    make_admin("mod-de@example.com")
    response = Dashboard(client).login("mod-de@example.com",
                                       headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(db.select(Admin.language)) == "de"
