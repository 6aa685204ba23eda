"""WIDGET_LOGIN_PROVIDERS: presets, explicit endpoints, mistakes stopped at start-up with
their reason; which providers a site offers (command line and dashboard)."""

import pytest

from tests.conftest import BASE_CONFIG
from widget import create_app
from widget.accounts.providers import ProviderSettingError, parse_providers
from widget.extensions import db


def test_presets_need_only_an_id_and_a_secret():
    providers = parse_providers({name: {"client_id": "id", "client_secret": "secret"}
                                 for name in ("github", "google", "gitlab")})
    github, google, gitlab = providers["github"], providers["google"], providers["gitlab"]
    assert not github.is_oidc and github.userinfo_url == "https://api.github.com/user"
    assert github.emails_url == "https://api.github.com/user/emails"
    assert google.is_oidc and "openid" in google.scope.split()
    assert gitlab.server_metadata_url == "https://gitlab.com/.well-known/openid-configuration"
    assert (github.title, github.identity_provider, github.method) == (
        "GitHub", "oauth:github", "oauth:GitHub")


def test_a_self_hosted_gitlab_and_any_issuer():
    providers = parse_providers({
        "gitlab": {"client_id": "a", "client_secret": "b",
                   "server_metadata_url": "https://git.example.org/.well-known/openid-configuration"},
        "keycloak": {"title": "Example SSO", "client_id": "a", "client_secret": "b",
                     "server_metadata_url": "https://id.example.org/realms/x/.well-known/openid-configuration"},
    })
    assert providers["gitlab"].server_metadata_url.startswith("https://git.example.org/")
    assert providers["keycloak"].title == "Example SSO"


@pytest.mark.parametrize(("raw", "reason"), [
    ("{not json", "not valid JSON"),
    ('["github"]', "must be a JSON object"),
    ({"github": {"client_id": "a"}}, "'client_secret' is missing"),
    ({"Git Hub": {"client_id": "a", "client_secret": "b"}}, "lowercase letters"),
    ({"github": {"client_id": "a", "client_secret": "b", "secret": "c"}}, "unknown field"),
    ({"corp": {"client_id": "a", "client_secret": "b"}}, "'authorize_url' is missing"),
    ({"corp": {"client_id": "a", "client_secret": "b", "server_metadata_url": "ftp://x"}},
     "http(s) URL"),
    ({"corp": {"client_id": "a", "client_secret": "b", "server_metadata_url": "https://x",
               "authorize_url": "https://x/a"}}, "not both"),
    ({"github": {"client_id": "a", "client_secret": "b", "title": "x" * 41}}, "'title'"),
])
def test_mistakes_say_which_provider_and_why(raw, reason):
    with pytest.raises(ProviderSettingError) as error:
        parse_providers(raw)
    assert reason in str(error.value)


def test_the_setting_comes_from_the_environment_as_json(monkeypatch, tmp_path):
    monkeypatch.setenv("WIDGET_LOGIN_PROVIDERS",
                       '{"github": {"client_id": "gh-id", "client_secret": "gh-secret"}}')
    app = create_app({**BASE_CONFIG}, instance_path=str(tmp_path))
    assert app.extensions["login_providers"]["github"].client_id == "gh-id"
    monkeypatch.setenv("WIDGET_LOGIN_PROVIDERS", '{"github": {}}')
    with pytest.raises(ProviderSettingError, match="client_id"):
        create_app({**BASE_CONFIG}, instance_path=str(tmp_path))


@pytest.fixture
def app_config():
    return {"LOGIN_PROVIDERS": {"github": {"client_id": "a", "client_secret": "b"},
                                "google": {"client_id": "a", "client_secret": "b"}}}


def test_sites_providers_command(runner, site):
    result = runner.invoke(args=["sites", "providers", site.key, "google", "github"])
    assert result.exit_code == 0, result.output
    db.session.refresh(site)
    assert site.login_providers == ["google", "github"]
    shown = runner.invoke(args=["sites", "providers", site.key])
    assert "offers: google, github" in shown.output
    refused = runner.invoke(args=["sites", "providers", site.key, "gitlab"])
    assert refused.exit_code == 2 and "gitlab not in WIDGET_LOGIN_PROVIDERS" in refused.output
    runner.invoke(args=["sites", "providers", site.key, "--none"])
    db.session.refresh(site)
    assert site.login_providers == []
