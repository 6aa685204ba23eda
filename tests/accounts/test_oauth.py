"""Sign in with a provider: the code flow against a real OpenID Connect provider and a
GitHub-like OAuth 2 one, both on 127.0.0.1; state, nonce and PKCE; linking; failures."""

import logging
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import ARTICLE
from widget.accounts import oauth
from widget.accounts.models import Account, AccountIdentity
from widget.extensions import db
from widget.models import Comment

from .helpers import JSON, page_token, post_comment, thread_url, who_am_i
from .providers import authorize_at_mock, github_like, oidc_provider, s256, set_oidc_user


@pytest.fixture(scope="module")
def mock_oidc():
    with oidc_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def hub():
    with github_like() as provider:
        yield provider


@pytest.fixture(autouse=True)
def fresh_provider_state(hub):
    hub.deny, hub.token_delay = False, 0.0
    hub.user = {"id": 4242, "login": "octocat", "name": "The Octocat"}
    hub.emails = [{"email": "Octo@Example.com", "primary": True, "verified": True}]
    oauth._metadata_cache.clear()


@pytest.fixture
def app_config(mock_oidc, hub):
    return {"LOGIN_PROVIDER_TIMEOUT": 2, "LOGIN_PROVIDERS": {
        "mock": {"title": "Mock ID", "client_id": "widget-test", "client_secret": "s3cret",
                 "server_metadata_url": f"{mock_oidc.base_url}/.well-known/openid-configuration"},
        "hub": hub.settings(hub.base_url),
        "down": {"title": "Down", "client_id": "x", "client_secret": "y",
                 "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"},
    }}


@pytest.fixture
def site(site):
    site.login_providers = ["mock", "hub", "down"]
    db.session.commit()
    return site


def start(client, site, provider="mock", **args):
    query = {"site": site.key, "url": ARTICLE, "mode": "popup", **args}
    return client.get(f"/accounts/oauth/{provider}/start", query_string=query)


def callback_path(location):
    parts = urlsplit(location)
    assert parts.path.startswith("/accounts/oauth/"), location
    return f"{parts.path}?{parts.query}"


def token_of(page):
    match = re.search(r'data-token="([^"]+)"', page)
    return unescape(match.group(1)) if match else None


def sign_in_with_mock(client, site, sub="ada", **claims):
    response = start(client, site)
    assert response.status_code == 302
    back = authorize_at_mock(response.headers["Location"], sub=sub)
    return client.get(callback_path(back))


def sign_in_with_hub(client, site, **args):
    response = start(client, site, "hub", **args)
    assert response.status_code == 302, response.text
    answer = httpx.get(response.headers["Location"], timeout=5)
    assert answer.status_code == 302
    return client.get(callback_path(answer.headers["Location"]))


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


# ---- OpenID Connect ----

def test_openid_connect_sign_in_makes_a_verified_account_and_the_popup_hands_the_token(
        client, site, mock_oidc):
    set_oidc_user(mock_oidc, "ada", name="Ada Lovelace", email="Ada@Example.com",
                  email_verified=True)
    response = start(client, site)
    authorize = urlsplit(response.headers["Location"])
    query = parse_qs(authorize.query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["state"][0]
    assert query["redirect_uri"] == ["http://comments.test/accounts/oauth/mock/callback"]
    assert "openid" in query["scope"][0].split()

    page = client.get(callback_path(authorize_at_mock(response.headers["Location"], sub="ada")))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert 'data-kind="signed-in"' in page.text and "oauth-done.js" in page.text
    token = token_of(page.text)
    identity = db.session.scalar(select(AccountIdentity))
    assert (identity.provider, identity.subject) == ("oauth:mock", "ada")
    account = identity.account
    assert (account.display_name, account.email, account.email_verified) == (
        "Ada Lovelace", "ada@example.com", True)

    answer = who_am_i(client, site, account_token=token).json
    assert answer["signed_in"] and answer["via"] == "via Mock ID"
    posted = post_comment(client, site, "Hello from OIDC", account_token=token)
    assert posted.status_code == 201
    comment = db.session.get(Comment, posted.json["id"])
    assert (comment.author, comment.verified_via) == ("Ada Lovelace", "oauth:Mock ID")
    assert 'class="comment comment-verified"' in client.get(thread_url(site)).text


def test_the_same_subject_signs_in_to_the_same_account(client, site, mock_oidc):
    set_oidc_user(mock_oidc, "bob", name="Bob", email="bob@example.com")
    first = token_of(sign_in_with_mock(client, site, sub="bob").text)
    second = token_of(sign_in_with_mock(client, site, sub="bob").text)
    assert first and second and first != second
    assert count(Account) == 1 and count(AccountIdentity) == 1
    # The mock says nothing of email_verified: the address is kept, not as verified.
    assert db.session.scalar(select(Account)).email_verified is False


def test_the_nonce_must_come_back_in_the_id_token(app, mock_oidc):
    provider = app.extensions["login_providers"]["mock"]
    redirect_uri = "http://comments.test/accounts/oauth/mock/callback"
    with app.test_request_context():
        url, pending = oauth.begin(provider, redirect_uri)
        code = parse_qs(urlsplit(authorize_at_mock(url, sub="eve")).query)["code"][0]
        with pytest.raises(oauth.ProviderError, match="nonce") as refused:
            oauth.finish(provider, redirect_uri, {**pending, "nonce": "another"}, code)
    assert refused.value.kind == "refused"


def test_the_code_is_refused_without_the_pkce_verifier_that_made_the_challenge(app, mock_oidc):
    provider = app.extensions["login_providers"]["mock"]
    redirect_uri = "http://comments.test/accounts/oauth/mock/callback"
    with app.test_request_context():
        url, pending = oauth.begin(provider, redirect_uri)
        assert parse_qs(urlsplit(url).query)["code_challenge"] == [s256(pending["verifier"])]
        code = parse_qs(urlsplit(authorize_at_mock(url, sub="eve")).query)["code"][0]
        with pytest.raises(oauth.ProviderError) as refused:
            oauth.finish(provider, redirect_uri, {**pending, "verifier": "x" * 64}, code)
    assert refused.value.kind == "refused" and "PKCE" in str(refused.value)


# ---- A plain OAuth 2 provider (GitHub-like) ----

def test_a_github_like_provider_signs_in_by_its_profile_api(client, site, hub):
    page = sign_in_with_hub(client, site)
    assert token_of(page.text)
    identity = db.session.scalar(select(AccountIdentity))
    assert (identity.provider, identity.subject) == ("oauth:hub", "4242")
    assert (identity.account.display_name, identity.account.email,
            identity.account.email_verified) == ("The Octocat", "octo@example.com", True)


def test_an_unverified_primary_email_is_not_recorded_as_verified(client, site, hub):
    hub.user = {"id": 7, "login": "nameless", "name": None}
    hub.emails = [{"email": "n@example.com", "primary": True, "verified": False}]
    sign_in_with_hub(client, site)
    account = db.session.scalar(select(Account))
    assert account.display_name == "nameless"
    assert (account.email, account.email_verified) == (None, False)


def test_without_scripts_the_flow_returns_to_the_article(client, site, hub):
    response = sign_in_with_hub(client, site, mode="page")
    assert response.status_code == 303
    assert response.headers["Location"] == ARTICLE
    # The top window's cookie now signs the thread page in (when opened on its own).
    assert "Commenting as The Octocat" in client.get(thread_url(site)).text


# ---- Failures: a readable page, nothing half-made, no error logged for "Deny" ----

def test_deny_at_the_provider_shows_try_again_and_logs_no_error(client, site, caplog):
    caplog.set_level(logging.INFO)
    response = start(client, site)
    page = client.get(callback_path(authorize_at_mock(response.headers["Location"], deny=True)))
    assert page.status_code == 200
    assert "You did not allow Mock ID" in unescape(page.text)
    assert 'class="button-primary oauth-retry"' in page.text
    assert "/accounts/oauth/mock/start?" in page.text
    assert count(Account) == 0
    assert [r for r in caplog.records if r.levelno >= logging.WARNING
            and r.name.startswith("widget")] == []


def test_an_unknown_or_reused_state_is_refused(client, site, hub):
    assert client.get("/accounts/oauth/hub/callback?code=x&state=forged").status_code == 400
    response = start(client, site, "hub")
    back = callback_path(httpx.get(response.headers["Location"], timeout=5).headers["Location"])
    assert client.get(back).status_code == 200
    replay = client.get(back)
    assert replay.status_code == 400
    assert "expired or was already used" in unescape(replay.text)
    assert count(Account) == 1


def test_a_state_from_another_browser_is_refused(client, app, site, hub):
    response = start(client, site, "hub")
    back = callback_path(httpx.get(response.headers["Location"], timeout=5).headers["Location"])
    assert app.test_client().get(back).status_code == 400
    assert count(Account) == 0


def test_a_provider_that_is_down_gets_a_readable_message(client, site, caplog):
    response = start(client, site, "down")
    assert response.status_code == 502
    assert "Down did not answer in time" in unescape(response.text)
    assert "Try again" in response.text


def test_a_slow_token_endpoint_times_out_and_nothing_is_made(client, site, hub):
    hub.token_delay = 3  # LOGIN_PROVIDER_TIMEOUT is 2 here
    page = sign_in_with_hub(client, site)
    assert page.status_code == 502
    assert "did not answer in time" in unescape(page.text)
    assert count(Account) == 0


def test_a_profile_without_a_user_id_signs_nobody_in(client, site, hub):
    hub.user = {"login": "ghost"}
    page = sign_in_with_hub(client, site)
    assert "did not say which account you used" in unescape(page.text)
    assert count(Account) == 0 and count(AccountIdentity) == 0


def test_start_refuses_providers_the_site_does_not_offer_and_foreign_articles(client, site):
    assert start(client, site, "github").status_code == 404
    foreign = client.get("/accounts/oauth/hub/start", query_string={
        "site": site.key, "url": "https://evil.example.net/x", "mode": "page"})
    assert foreign.status_code == 403


# ---- Linking, and never merging by email ----

def link_url(client, site, token, provider="hub"):
    response = client.post(thread_url(site, f"/account/oauth/{provider}/link"), headers=JSON,
                           data={"csrf_token": page_token(client, site), "account_token": token})
    assert response.status_code == 200, response.json
    return response.json["start_url"]


def test_a_signed_in_commenter_adds_and_removes_a_provider(client, site, mock_oidc, hub):
    set_oidc_user(mock_oidc, "carol", name="Carol", email="carol@example.com",
                  email_verified=True)
    token = token_of(sign_in_with_mock(client, site, sub="carol").text)
    start_url = link_url(client, site, token)
    assert "account_token" not in start_url and token not in start_url
    response = client.get(start_url)
    back = httpx.get(response.headers["Location"], timeout=5).headers["Location"]
    page = client.get(callback_path(back))
    assert 'data-kind="linked"' in page.text
    account = db.session.scalar(select(Account))
    assert sorted(i.provider for i in account.identities) == ["oauth:hub", "oauth:mock"]
    # Either provider now signs in to the one account.
    sign_in_with_hub(client, site)
    assert count(Account) == 1

    data = {"csrf_token": page_token(client, site), "account_token": token}
    hub_identity = next(i for i in account.identities if i.provider == "oauth:hub")
    removed = client.post(thread_url(site, f"/account/identities/{hub_identity.id}/remove"),
                          data=data, headers=JSON)
    assert removed.status_code == 200 and removed.json["signed_in"]
    last = db.session.scalar(select(AccountIdentity))
    refused = client.post(thread_url(site, f"/account/identities/{last.id}/remove"),
                          data={**data, "csrf_token": page_token(client, site)}, headers=JSON)
    assert refused.status_code == 409
    assert "only way to sign in" in refused.json["message"]
    assert count(AccountIdentity) == 1


def test_an_identity_of_another_account_is_never_linked(client, site, mock_oidc, hub):
    sign_in_with_hub(client, site)  # the hub identity belongs to its own account
    set_oidc_user(mock_oidc, "dan", name="Dan")
    token = token_of(sign_in_with_mock(client, site, sub="dan").text)
    response = client.get(link_url(client, site, token))
    back = httpx.get(response.headers["Location"], timeout=5).headers["Location"]
    page = client.get(callback_path(back))
    assert "already signs in to another account" in unescape(page.text)
    assert count(Account) == 2
    dan = db.session.scalar(select(AccountIdentity).where(AccountIdentity.subject == "dan"))
    assert [i.provider for i in dan.account.identities] == ["oauth:mock"]


def test_the_same_verified_email_at_two_providers_makes_two_accounts(client, site, mock_oidc,
                                                                     hub):
    set_oidc_user(mock_oidc, "octo", name="Octo", email="octo@example.com",
                  email_verified=True)
    sign_in_with_mock(client, site, sub="octo")
    sign_in_with_hub(client, site)  # its verified primary email is the same address
    assert count(Account) == 2


def test_a_link_ticket_needs_a_signed_in_commenter(client, site):
    response = client.post(thread_url(site, "/account/oauth/hub/link"), headers=JSON,
                           data={"csrf_token": page_token(client, site)})
    assert response.status_code == 401


def test_a_forged_link_ticket_is_refused(client, site):
    response = start(client, site, "hub", link="forged")
    assert response.status_code == 400
    assert count(Account) == 0


# ---- What the thread shows ----

def test_the_thread_offers_the_sites_providers_as_top_window_links(client, site):
    page = client.get(thread_url(site)).text
    assert page.count('class="button-secondary sign-in-provider" target="_top"') == 3
    assert "Sign in with Mock ID" in page and "Sign in with Hub" in page
    assert "mode=page" in page
