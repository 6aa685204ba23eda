"""The host site's own users: tokens signed with the site's secret sign them in, and
every bad token means "signed out", never an error page."""

import time

import jwt
import pytest
from sqlalchemy import func, select

from tests.conftest import ARTICLE, make_site
from widget.accounts.models import Account, AccountIdentity, AccountSession
from widget.accounts.sso import ensure_secret, rotate_secret
from widget.extensions import db
from widget.models import Comment

from .helpers import JSON, page_token, post_comment, sign_in_sso, sso_token, thread_url, who_am_i


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_valid_token_signs_the_host_user_in_and_their_comment_is_verified(client, site):
    token = sign_in_sso(client, site, sub="u-7", name="Kevin Host", email="Kevin@Example.com",
                        url="https://kevin.example.com/")
    response = post_comment(client, site, "Signed in and posting", account_token=token)
    assert response.status_code == 201
    comment = db.session.get(Comment, response.json["id"])
    assert comment.author == "Kevin Host"
    assert comment.email == "kevin@example.com"
    assert comment.website == "https://kevin.example.com/"
    assert comment.verified_via == "sso:blog.example.com"
    page = client.get(thread_url(site)).text
    assert 'class="comment comment-verified"' in page
    assert "via blog.example.com" in page
    assert "kevin@example.com" not in page  # emails never public
    identity = db.session.scalar(select(AccountIdentity))
    assert (identity.provider, identity.subject) == ("sso", "u-7")


def test_name_and_email_follow_the_next_valid_token(client, site):
    sign_in_sso(client, site, sub="9", name="Old Name", email="old@example.com")
    sign_in_sso(client, site, sub="9", name="New Name", email="new@example.com")
    accounts = db.session.scalars(select(Account)).all()
    assert [(a.display_name, a.email) for a in accounts] == [("New Name", "new@example.com")]


def test_the_signed_in_form_needs_no_name_or_email(client, site):
    token = sign_in_sso(client, site)
    response = post_comment(client, site, "No name field", account_token=token, name="")
    assert response.status_code == 201
    assert db.session.get(Comment, response.json["id"]).author == "Kevin"


def test_the_token_can_come_from_a_header(client, site):
    token = sign_in_sso(client, site)
    response = post_comment(client, site, "By header",
                            headers={**JSON, "X-Widget-Account": token})
    assert db.session.get(Comment, response.json["id"]).account_id is not None


def other_site_token(app):
    other = make_site("Other", ("https://other.example.com",))
    return sso_token(other)


def none_token():
    header = jwt.utils.base64url_encode(b'{"alg":"none","typ":"JWT"}').decode()
    now = int(time.time())
    body = jwt.utils.base64url_encode(
        f'{{"sub":"1","name":"Mallory","exp":{now + 600}}}'.encode()).decode()
    return f"{header}.{body}."


BAD_TOKENS = {
    "empty": lambda site, app: "",
    "garbage": lambda site, app: "not.a.jwt",
    "alg none": lambda site, app: none_token(),
    "HS512": lambda site, app: jwt.encode(
        {"sub": "1", "name": "M", "exp": int(time.time()) + 600},
        ensure_secret(site), algorithm="HS512"),
    "signed with another site's secret": lambda site, app: other_site_token(app),
    "made for another site (aud)": lambda site, app: sso_token(site, aud="otherkey"),
    "expired": lambda site, app: sso_token(site, lifetime=-120),
    "valid for more than 24 hours": lambda site, app: sso_token(site, lifetime=25 * 3600),
    "no exp": lambda site, app: jwt.encode({"sub": "1", "name": "M"}, ensure_secret(site),
                                           algorithm="HS256"),
    "no sub": lambda site, app: sso_token(site, sub=None),
    "no name": lambda site, app: sso_token(site, name=None),
    "invisible name": lambda site, app: sso_token(site, name="\u200b\u200d "),
    "name not a string": lambda site, app: sso_token(site, name=["x"]),
    "tampered": lambda site, app: sso_token(site)[:-3] + "AAA",
    "larger than 8 KB": lambda site, app: sso_token(site, bio="x" * 9000),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_bad_token_signs_nobody_in_and_leaves_nothing(app, client, site, kind, caplog):
    token = BAD_TOKENS[kind](site, app)
    response = who_am_i(client, site, sso=token)
    assert response.status_code == 200
    assert response.json == {"signed_in": False}
    assert count(Account) == 0 and count(AccountSession) == 0
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    # The thread still shows, and anonymous posting still works.
    assert client.get(thread_url(site)).status_code == 200
    assert post_comment(client, site, "Still fine", name="Ann").status_code == 201


def test_a_token_in_the_url_is_ignored(client, site):
    token = sso_token(site)
    page = client.get(thread_url(site) + f"&sso={token}&account_token={token}")
    assert page.status_code == 200
    assert "Commenting as" not in page.text
    response = client.post(thread_url(site, "/account") + f"&sso={token}",
                           data={"csrf_token": page_token(client, site)}, headers=JSON)
    assert response.json == {"signed_in": False}
    assert count(Account) == 0


def test_account_posts_need_the_thread_form_token(client, site):
    """CSRF: without the signed token of the thread page, no account POST does anything."""
    for path in ("/account", "/account/sign-out", "/account/sign-out-everywhere"):
        response = client.post(thread_url(site, path), data={"sso": sso_token(site)},
                               headers=JSON)
        assert response.status_code == 400, path
    assert count(Account) == 0


def test_account_posts_from_a_foreign_origin_are_refused(client, site):
    response = client.post(thread_url(site, "/account"),
                           data={"csrf_token": page_token(client, site), "sso": sso_token(site)},
                           headers={**JSON, "Origin": "https://evil.example.net"})
    assert response.status_code == 403
    assert count(Account) == 0


def test_each_sign_in_gets_a_new_token_and_the_old_one_stops_working(client, site):
    first = sign_in_sso(client, site)
    second = who_am_i(client, site, sso=sso_token(site), account_token=first).json["token"]
    assert second != first
    assert who_am_i(client, site, account_token=first).json == {"signed_in": False}
    assert who_am_i(client, site, account_token=second).json["signed_in"] is True
    assert count(AccountSession) == 1


def test_sign_out_ends_this_session_and_everywhere_ends_all(app, client, site):
    phone = sign_in_sso(client, site)
    laptop_client = app.test_client()
    laptop = sign_in_sso(laptop_client, site)
    response = client.post(thread_url(site, "/account/sign-out"),
                           data={"csrf_token": page_token(client, site), "account_token": phone},
                           headers=JSON)
    assert response.json == {"signed_in": False, "host_sign_out": True}
    assert who_am_i(client, site, account_token=phone).json["signed_in"] is False
    assert who_am_i(laptop_client, site, account_token=laptop).json["signed_in"] is True
    tablet = sign_in_sso(app.test_client(), site)
    laptop_client.post(thread_url(site, "/account/sign-out-everywhere"),
                       data={"csrf_token": page_token(laptop_client, site),
                             "account_token": laptop}, headers=JSON)
    for token in (laptop, tablet):
        assert who_am_i(app.test_client(), site, account_token=token).json["signed_in"] is False
    assert count(AccountSession) == 0


def test_an_empty_sso_token_ends_a_session_that_came_from_the_host(client, site):
    """The host logged its user out: the next page view has data-sso="" and signs out."""
    token = sign_in_sso(client, site)
    assert who_am_i(client, site, sso="", account_token=token).json["signed_in"] is False
    assert count(AccountSession) == 0


def test_a_token_of_another_site_does_not_work_here(app, client, site):
    other = make_site("Other", ("https://blog.example.com",))
    token = sign_in_sso(client, other)
    assert who_am_i(client, site, account_token=token).json["signed_in"] is False
    response = post_comment(client, site, "Borrowed", account_token=token, name="")
    assert response.status_code == 422  # anonymous then, and the name is missing


def test_after_rotation_the_previous_secret_works_for_the_grace_period(client, site):
    old_secret = ensure_secret(site)
    rotate_secret(site)
    assert site.sso_secret != old_secret
    assert who_am_i(client, site, sso=sso_token(old_secret)).json["signed_in"] is True
    site.sso_rotated_at = site.sso_rotated_at.replace(year=site.sso_rotated_at.year - 1)
    db.session.commit()
    assert who_am_i(client, site, sso=sso_token(old_secret)).json["signed_in"] is False
    assert who_am_i(client, site, sso=sso_token(site.sso_secret)).json["signed_in"] is True


def test_the_cli_shows_and_rotates_the_secret(runner, site):
    import json
    shown = json.loads(runner.invoke(args=["sites", "sso", site.key, "--json"]).output)
    again = json.loads(runner.invoke(args=["sites", "sso", site.key, "--json"]).output)
    assert shown["secret"] == again["secret"] and len(shown["secret"]) >= 32
    rotated = json.loads(runner.invoke(args=["sites", "sso", site.key, "--rotate", "--json"]).output)
    assert rotated["secret"] != shown["secret"]
    plain = runner.invoke(args=["sites", "sso", site.key])
    assert rotated["secret"] in plain.output
    missing = runner.invoke(args=["sites", "sso", "nosuchkey"])
    assert missing.exit_code != 0 and "No site has the key" in missing.output


def test_the_signed_in_page_without_scripts_shows_the_account(client, site):
    """Where the browser keeps the session cookie, pages without scripts know the viewer."""
    sign_in_sso(client, site, name="Cookie Kevin")
    page = client.get(thread_url(site)).text
    assert "Commenting as Cookie Kevin" in page
    assert 'name="name"' not in page  # no Name field for a signed-in commenter
    response = post_comment(client, site, "Without scripts",
                            headers={"Origin": "https://blog.example.com"})
    assert response.status_code == 303
    assert db.session.scalar(select(Comment.author)) == "Cookie Kevin"


def test_a_banned_account_is_signed_out_and_cannot_sign_in_again(client, site):
    token = sign_in_sso(client, site)
    account = db.session.scalar(select(Account))
    from widget.models import utcnow
    account.banned_at = utcnow()
    db.session.commit()
    assert who_am_i(client, site, account_token=token).json["signed_in"] is False
    response = who_am_i(client, site, sso=sso_token(site))
    assert response.status_code == 403
    assert "no longer comment" in response.json["message"]


