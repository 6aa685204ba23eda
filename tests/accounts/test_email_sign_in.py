"""Sign in with email, no password: codes really mailed (to a real SMTP server, aiosmtpd)
and entered in the thread (JSON, no cookie needed) or without scripts, the mailed link,
the limits, and every bad input answered clearly with nothing half-made."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.conftest import ARTICLE, form_token
from tests.mailserver import body_of, free_port, smtp_server  # noqa: F401 (fixture)
from widget.accounts.email_codes import code_hash
from widget.accounts.models import Account, AccountIdentity, AccountSession, SignInCode
from widget.extensions import db
from widget.mail.outbox import send_due
from widget.models import Comment, MailAddress, OutboxMessage, utcnow

from .helpers import JSON, HOST, page_token, post_comment, sign_in_sso, thread_url, who_am_i

PAGE = {"Origin": HOST}  # a browser without scripts: Origin, no Accept: JSON


@pytest.fixture
def extra_config():
    """Parametrize to change settings for one test."""
    return {}


@pytest.fixture
def app_config(smtp_server, extra_config):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_WORKER": False,
            "MAIL_FROM": "Comments <comments@blog.example.com>", **extra_config}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def ask_code(client, site, email="Ann@Example.com", name="Ann", headers=JSON, **fields):
    data = {"csrf_token": page_token(client, site), "email": email, "name": name, **fields}
    return client.post(thread_url(site, "/account/email"), data=data, headers=headers)


def enter_code(client, site, code, email="ann@example.com", headers=JSON, **fields):
    data = {"csrf_token": page_token(client, site), "email": email, "code": code, **fields}
    return client.post(thread_url(site, "/account/email/code"), data=data, headers=headers)


def mailed(smtp_server, address="ann@example.com"):  # noqa: F811
    """(code, link path) of the newest sign-in mail to the address, sent for real."""
    send_due()
    message = smtp_server.to(address)[-1]
    body = body_of(message)
    code = re.search(r"^\s+(\d{6})\s*$", body, re.MULTILINE).group(1)
    assert code in message["Subject"]
    link = re.search(r"(http://comments\.test/account/email/\S+)", body).group(1)
    return code, urlsplit(link).path


def without_tokens(html):
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)


def sign_in_by_email(client, site, smtp_server, email="ann@example.com", name="Ann"):  # noqa: F811
    assert ask_code(client, site, email, name).status_code == 200
    code, _link = mailed(smtp_server, email)
    response = enter_code(client, site, code, email)
    assert response.status_code == 200, response.json
    return response.json["token"]


def test_the_account_bar_offers_email_sign_in_when_mail_is_set_up(app, client, site):
    page = client.get(thread_url(site)).text
    assert "Sign in with email" in page
    assert 'id="sign-in-email"' in page and 'id="sign-in-name"' in page
    app.config["MAIL_SERVER"] = None
    assert "Sign in with email" not in client.get(thread_url(site)).text
    response = ask_code(client, site)
    assert response.status_code == 404
    assert count(SignInCode) == 0


def test_a_mailed_code_signs_in_inside_the_thread_and_the_comment_is_verified(
        client, site, smtp_server):  # noqa: F811
    asked = ask_code(client, site, "  Ann@Example.COM ", "Ann  Example")
    assert asked.status_code == 200
    assert "A code is on its way to ann@example.com" in asked.json["message"]
    assert 'name="code"' in asked.json["html"]  # the code form comes next
    assert smtp_server.messages == []  # queued with the code, sent after the commit

    code, _link = mailed(smtp_server)
    message = smtp_server.messages[-1]
    assert message["To"] == "ann@example.com"
    assert "15 minutes" in body_of(message)

    response = enter_code(client.application.test_client(), site, f" {code[:3]} {code[3:]} ")
    assert response.status_code == 200
    body = response.json
    assert body["signed_in"] is True and body["name"] == "Ann Example"
    assert body["via"] == "email verified" and body["method"] == "email"
    assert "Commenting as Ann Example" in body["html"]
    account = db.session.scalar(select(Account))
    assert (account.email, account.email_verified) == ("ann@example.com", True)
    identity = db.session.scalar(select(AccountIdentity))
    assert (identity.provider, identity.subject) == ("email", "ann@example.com")

    # The token alone (no cookie: a fresh client) posts as the account.
    posted = post_comment(client.application.test_client(), site, "Verified by email",
                          account_token=body["token"])
    assert posted.status_code == 201
    comment = db.session.get(Comment, posted.json["id"])
    assert (comment.author, comment.verified_via, comment.email) == (
        "Ann Example", "email", "ann@example.com")
    page = client.application.test_client().get(thread_url(site)).text
    assert 'class="comment comment-verified"' in page and "email verified" in page
    assert "ann@example.com" not in page


def test_the_code_is_kept_only_as_an_hmac(app, client, site, smtp_server):  # noqa: F811
    ask_code(client, site)
    code, _link = mailed(smtp_server)
    row = db.session.scalar(select(SignInCode))
    assert code not in (row.code_hash, row.email, row.display_name, row.ip_hash)
    assert row.code_hash == code_hash(site.id, "ann@example.com", code)
    assert row.expires_at - row.created_at == timedelta(minutes=15)
    assert row.ip_hash and "127.0.0" not in row.ip_hash


def test_the_same_address_finds_the_same_account(client, site, smtp_server):  # noqa: F811
    first = sign_in_by_email(client, site, smtp_server, name="Ann")
    second = sign_in_by_email(client, site, smtp_server, name="Someone Else")
    assert first != second
    assert [a.display_name for a in db.session.scalars(select(Account))] == ["Ann"]
    # The browser's previous session (its cookie) was replaced, not kept beside it.
    assert count(AccountSession) == 1
    fresh = client.application.test_client()
    assert who_am_i(fresh, site, account_token=first).json["signed_in"] is False


def test_the_answer_never_tells_whether_an_address_has_an_account(client, site,
                                                                   smtp_server):  # noqa: F811
    sign_in_by_email(client, site, smtp_server, "member@example.com", "Member")
    mails_before = len(smtp_server.messages)
    known = ask_code(client, site, "member@example.com", "Somebody")
    unknown = ask_code(client, site, "nobody@example.com", "Somebody")
    assert known.status_code == unknown.status_code == 200
    assert known.json["message"].replace("member", "X") == unknown.json["message"].replace("nobody", "X")
    assert (without_tokens(known.json["html"]).replace("member", "X")
            == without_tokens(unknown.json["html"]).replace("nobody", "X"))
    send_due()
    assert len(smtp_server.messages) == mails_before + 2  # both mailed, the same way
    assert count(Account) == 1  # asking made no account


def test_a_code_works_once(client, site, smtp_server):  # noqa: F811
    ask_code(client, site)
    code, _link = mailed(smtp_server)
    assert enter_code(client, site, code).status_code == 200
    again = enter_code(client, site, code)
    assert again.status_code == 422
    assert again.json["errors"]["code"] == ["This code was already used. Please ask for a new one."]
    assert 'aria-invalid="true"' in again.json["html"]  # beside the code field
    assert count(AccountSession) == 1


def test_a_code_expires_after_15_minutes(client, site, smtp_server):  # noqa: F811
    ask_code(client, site)
    code, _link = mailed(smtp_server)
    row = db.session.scalar(select(SignInCode))
    row.created_at -= timedelta(minutes=15, seconds=1)
    row.expires_at -= timedelta(minutes=15, seconds=1)
    db.session.commit()
    response = enter_code(client, site, code)
    assert response.status_code == 422
    assert response.json["errors"]["code"] == ["This code has expired. Please ask for a new one."]
    assert count(Account) == 0 and count(AccountSession) == 0


def test_wrong_codes_are_limited_then_a_wait(client, site, smtp_server):  # noqa: F811
    ask_code(client, site)
    code, _link = mailed(smtp_server)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _attempt in range(4):
        response = enter_code(client, site, wrong)
        assert response.status_code == 422
        assert response.json["errors"]["code"] == [
            "This code is not right. Please check the email and try again."]
    locked = enter_code(client, site, wrong)
    assert locked.json["errors"]["code"] == [
        "Too many wrong codes. Please wait 15 minutes, then ask for a new code."]
    # Now even the right code waits, and so does a new one.
    assert "Too many wrong codes" in enter_code(client, site, code).json["errors"]["code"][0]
    refused = ask_code(client, site)
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.json["errors"]["email"][0]
    assert count(Account) == 0 and count(SignInCode) == 1


def test_codes_are_limited_per_address(client, site, smtp_server):  # noqa: F811
    for _ask in range(5):
        assert ask_code(client, site).status_code == 200
    refused = ask_code(client, site, headers=PAGE)  # without scripts: the page says why
    assert refused.status_code == 429
    assert "Several codes were sent to this address in the last hour" in refused.text
    assert 'value="ann@example.com"' in refused.text.lower()  # what they typed is kept
    assert count(SignInCode) == 5
    assert ask_code(client, site, "bob@example.com", "Bob").status_code == 200


@pytest.mark.parametrize("extra_config", [{"SIGN_IN_CODES_PER_NETWORK": 2}])
def test_codes_are_limited_per_network(client, site):
    assert ask_code(client, site, "a@example.com").status_code == 200
    assert ask_code(client, site, "b@example.com").status_code == 200
    refused = ask_code(client, site, "c@example.com")
    assert refused.status_code == 429
    assert refused.json["errors"]["form"] == [
        "Too many sign-in codes were asked for from your network. Please try again later."]
    other_network = client.post(
        thread_url(site, "/account/email"), headers=JSON,
        environ_overrides={"REMOTE_ADDR": "198.51.100.7"},
        data={"csrf_token": page_token(client, site), "email": "c@example.com", "name": "C"})
    assert other_network.status_code == 200


@pytest.mark.parametrize("extra_config", [
    {"RATELIMIT_ENABLED": True, "RATELIMIT_EMAIL_SIGN_IN": "3 per minute"}])
def test_the_rate_limiter_covers_both_steps(client, site):
    statuses = [ask_code(client, site, f"r{n}@example.com").status_code for n in range(2)]
    statuses.append(enter_code(client, site, "123456", "r0@example.com").status_code)
    last = ask_code(client, site, "r9@example.com")
    assert statuses == [200, 200, 422]
    assert last.status_code == 429
    assert last.json["message"]


BAD_ASKS = {
    "malformed address": ({"email": "ann@"}, "email", "Please enter a valid email address."),
    "no address": ({"email": ""}, "email", "Please enter your email address."),
    "empty name": ({"name": ""}, "name", "Please enter a name that people can read."),
    "invisible name": ({"name": "\u200b\u2800 \u3164"}, "name",
                       "Please enter a name that people can read."),
    "too long name": ({"name": "N" * 101}, "name", "Please use a name of at most 100 characters."),
    "control characters": ({"name": "Ann\x1b[31m"}, "name",
                           "Please remove the control characters from this field."),
}


@pytest.mark.parametrize("kind", list(BAD_ASKS))
def test_bad_input_is_answered_beside_the_field(client, site, smtp_server, kind):  # noqa: F811
    fields, field, message = BAD_ASKS[kind]
    data = {"email": "ann@example.com", "name": "Ann", **fields}
    response = ask_code(client, site, **data)
    assert response.status_code == 422
    assert response.json["errors"] == {field: [message]}
    assert f'id="sign-in-{field}-error"' in response.json["html"]
    page = ask_code(client, site, headers=PAGE, **data)  # the same without scripts
    assert page.status_code == 422 and message in page.text
    assert 'aria-invalid="true"' in page.text
    send_due()
    assert count(SignInCode) == 0 and count(OutboxMessage) == 0 and smtp_server.messages == []


def test_a_malformed_code_is_refused_without_counting(client, site, smtp_server):  # noqa: F811
    ask_code(client, site)
    for typed in ("", "12345", "abcdef", "1234567"):
        response = enter_code(client, site, typed)
        assert response.status_code == 422
        assert response.json["errors"]["code"] == ["Please enter the 6-digit code from the email."]
    assert db.session.scalar(select(SignInCode.attempts)) == 0


def test_no_code_without_the_thread_form_token_or_from_another_origin(client, site):
    response = client.post(thread_url(site, "/account/email"), headers=JSON,
                           data={"email": "ann@example.com", "name": "Ann"})
    assert response.status_code == 422
    assert "could not be verified" in response.json["errors"]["form"][0]
    foreign = ask_code(client, site, headers={**JSON, "Origin": "https://evil.example.net"})
    assert foreign.status_code == 403
    code_form = client.post(thread_url(site, "/account/email/code"), headers=JSON,
                            data={"email": "ann@example.com", "code": "123456"})
    assert code_form.status_code == 422
    assert count(SignInCode) == 0 and count(OutboxMessage) == 0


def test_a_members_name_is_refused_for_a_new_account_after_the_code(client, site,
                                                                      smtp_server):  # noqa: F811
    sign_in_sso(client, site, name="Kevin")
    # Asking does not tell: the name is checked once the address is proven.
    assert ask_code(client, site, "k@example.com", "K\u0435vin").status_code == 200
    code, _link = mailed(smtp_server, "k@example.com")
    refused = enter_code(client, site, code, "k@example.com")
    assert refused.status_code == 422
    assert "belongs to a signed-in member" in refused.json["errors"]["name"][0]
    assert 'id="sign-in-code-name-error"' in refused.json["html"]
    assert count(Account) == 1  # only Kevin
    # The code still works, with another name.
    response = enter_code(client, site, code, "k@example.com", name="Kev the Reader")
    assert response.status_code == 200 and response.json["name"] == "Kev the Reader"


def test_the_accounts_own_name_is_not_refused(client, site, smtp_server):  # noqa: F811
    sign_in_by_email(client, site, smtp_server, "kevin@example.com", "Kevin")
    assert sign_in_by_email(client, site, smtp_server, "kevin@example.com", "KEVIN")
    assert count(Account) == 1


def test_a_banned_account_gets_no_session_and_keeps_its_code(client, site,
                                                              smtp_server):  # noqa: F811
    sign_in_by_email(client, site, smtp_server)
    account = db.session.scalar(select(Account))
    account.banned_at = utcnow()
    db.session.commit()
    ask_code(client, site)
    code, _link = mailed(smtp_server)
    response = enter_code(client, site, code)
    assert response.status_code == 403
    assert response.json["message"] == "This account may no longer comment here."
    assert count(AccountSession) == 1  # the one from before the ban
    assert db.session.scalar(select(func.count()).where(SignInCode.used_at.is_(None))) == 1


def test_mail_down_queues_the_code_and_says_it_is_on_its_way(app, client, site,
                                                             smtp_server):  # noqa: F811
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    asked = ask_code(client, site)
    assert asked.status_code == 200
    assert "on its way" in asked.json["message"]
    assert send_due() == (0, 1, 0)
    outbox = db.session.scalar(select(OutboxMessage))
    assert outbox.kind == "sign-in" and outbox.last_error
    app.config["MAIL_PORT"] = smtp_server.port
    outbox.next_attempt_at = utcnow()
    db.session.commit()
    code, _link = mailed(smtp_server)  # the retry delivers it
    assert enter_code(client, site, code).status_code == 200


def test_without_scripts_the_forms_post_and_the_cookie_signs_in(client, site,
                                                               smtp_server):  # noqa: F811
    page = ask_code(client, site, headers=PAGE)
    assert page.status_code == 200
    assert "A code is on its way" in page.text
    assert 'name="code"' in page.text and "frame-ancestors https://blog.example.com" in (
        page.headers["Content-Security-Policy"])
    assert "X-Frame-Options" not in page.headers
    code, _link = mailed(smtp_server)
    token = form_token(page.text)
    wrong = client.post(thread_url(site, "/account/email/code"), headers=PAGE,
                        data={"csrf_token": token, "email": "ann@example.com", "code": "000000"
                              if code != "000000" else "000001"})
    assert wrong.status_code == 422
    assert 'id="sign-in-code-error"' in wrong.text and 'value="ann@example.com"' in wrong.text
    done = client.post(thread_url(site, "/account/email/code"), headers=PAGE,
                       data={"csrf_token": token, "email": "ann@example.com", "code": code})
    assert done.status_code == 303
    assert urlsplit(done.headers["Location"]).path == f"/t/{site.key}"
    assert "Commenting as Ann" in client.get(done.headers["Location"]).text


def test_the_link_shows_a_button_then_signs_in_first_party(client, site,
                                                          smtp_server):  # noqa: F811
    ask_code(client, site)
    _code, link = mailed(smtp_server)
    browser = client.application.test_client()
    shown = browser.get(link)
    assert shown.status_code == 200 and "ann@example.com" in shown.text
    assert shown.headers["X-Frame-Options"] == "DENY"
    assert count(AccountSession) == 0  # a mail scanner opening the link uses nothing up
    done = browser.post(link, data={"csrf_token": re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', shown.text).group(1)})
    assert done.status_code == 200
    assert "You are signed in as Ann" in done.text
    assert f'href="{ARTICLE}"' in done.text
    assert "Commenting as Ann" in browser.get(thread_url(site)).text  # the cookie
    again = browser.get(link)
    assert again.status_code == 400 and "already used" in again.text


def test_the_link_needs_the_csrf_token_and_refuses_tampering(client, site,
                                                            smtp_server):  # noqa: F811
    ask_code(client, site)
    _code, link = mailed(smtp_server)
    assert client.post(link).status_code == 400
    assert client.get(link[:-4] + "AAAA").status_code == 400
    assert count(AccountSession) == 0


def test_reply_notifications_need_no_second_opt_in_for_a_verified_email(
        client, site, smtp_server):  # noqa: F811
    token = sign_in_by_email(client, site, smtp_server)
    sent_before = len(smtp_server.messages)
    mine = post_comment(client, site, "Tell me about replies", account_token=token, notify="y")
    assert mine.status_code == 201
    reply = post_comment(client.application.test_client(), site, "A reply", name="Bob",
                         parent=str(mine.json["id"]))
    assert reply.status_code == 201
    send_due()
    new_mails = smtp_server.messages[sent_before:]
    assert [m["Subject"] for m in new_mails] == [
        f"Bob replied to your comment on {ARTICLE}"]  # no confirmation mail first
    assert new_mails[0]["To"] == "ann@example.com"
    assert count(MailAddress) == 0


def test_an_unverified_address_still_needs_confirming(client, site, smtp_server):  # noqa: F811
    mine = post_comment(client, site, "Anonymous", name="Ann", email="ann@example.com",
                        notify="y")
    post_comment(client, site, "A reply", name="Bob", parent=str(mine.json["id"]))
    send_due()
    assert ["confirm" in m["Subject"].lower() for m in smtp_server.messages] == [True]


def test_who_am_i_keeps_an_email_session(client, site, smtp_server):  # noqa: F811
    token = sign_in_by_email(client, site, smtp_server)
    fresh = client.application.test_client()
    answer = who_am_i(fresh, site, account_token=token).json
    assert answer["signed_in"] is True and answer["via"] == "email verified"
    # An invalid host token ends only sessions that came from the host.
    assert who_am_i(fresh, site, account_token=token, sso="").json["signed_in"] is True


def test_the_screens_speak_the_readers_language(client, site):
    assert "Mit E-Mail anmelden" in client.get(thread_url(site) + "&lang=de").text
    response = client.post(thread_url(site, "/account/email") + "&lang=ar", headers=JSON, data={
        "csrf_token": page_token(client, site), "email": "ann@example.com", "name": "\u200b"})
    assert response.json["errors"]["name"] == ["يُرجى إدخال اسم يمكن قراءته."]


def test_a_code_form_without_its_address_says_so(client, site):
    response = client.post(thread_url(site, "/account/email/code"), headers=JSON,
                           data={"csrf_token": page_token(client, site), "code": "123456"})
    assert response.status_code == 422
    assert response.json["errors"] == {"form": ["This field is required."]}
    assert 'role="alert"' in response.json["html"]
