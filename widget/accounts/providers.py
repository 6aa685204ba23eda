"""The OAuth / OpenID Connect providers commenters may sign in with: WIDGET_LOGIN_PROVIDERS
read once at start-up, with presets so that GitHub, Google and GitLab need only an id and
a secret, and which of them each site offers.

A provider is either an OpenID Connect issuer (`server_metadata_url`: its discovery
document names every endpoint, and an ID token proves who signed in) or a plain OAuth 2
service (GitHub), named by its endpoints and a profile API that says who the token
belongs to. A mistake in the setting stops the service at start-up with a message that
says which provider and field, rather than a sign-in button that fails for readers.
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from flask import current_app
from flask_babel import gettext as _

PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
TITLE_MAX_LENGTH = 40
IDENTITY_PREFIX = "oauth:"  # AccountIdentity.provider is "oauth:<name>"

PRESETS = {
    "github": {
        "title": "GitHub",
        "authorize_url": "https://github.com/login/oauth/authorize",
        "access_token_url": "https://github.com/login/oauth/access_token",
        "api_base_url": "https://api.github.com/",
        "userinfo_endpoint": "user",
        # GitHub's profile shows an email only if the user made one public, and never
        # says whether it is verified: the email list does.
        "emails_endpoint": "user/emails",
        "scope": "read:user user:email",
    },
    "google": {
        "title": "Google",
        "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
        "scope": "openid email profile",
    },
    "gitlab": {
        "title": "GitLab",
        "server_metadata_url": "https://gitlab.com/.well-known/openid-configuration",
        "scope": "openid profile email",
    },
}
KNOWN_FIELDS = {"title", "client_id", "client_secret", "server_metadata_url", "authorize_url",
                "access_token_url", "api_base_url", "userinfo_endpoint", "emails_endpoint",
                "scope", "subject_claim"}


class ProviderSettingError(ValueError):
    """WIDGET_LOGIN_PROVIDERS cannot be used as it is; the message says why."""


@dataclass(frozen=True)
class Provider:
    name: str  # the short name in the setting and in URLs: "github"
    title: str  # "Sign in with TITLE"
    client_id: str
    client_secret: str
    scope: str
    server_metadata_url: str | None = None  # OpenID Connect
    authorize_url: str | None = None  # plain OAuth 2
    access_token_url: str | None = None
    userinfo_url: str | None = None
    emails_url: str | None = None
    subject_claim: str | None = None  # plain OAuth 2: the profile field naming the user
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_oidc(self):
        return self.server_metadata_url is not None

    @property
    def identity_provider(self):
        """AccountIdentity.provider for this provider's users."""
        return IDENTITY_PREFIX + self.name

    @property
    def method(self):
        """AccountSession.method: describe_method shows it as "via TITLE"."""
        return f"oauth:{self.title}"[:64]


def parse_providers(raw):
    """{name: Provider} from the setting: a dict (from_prefixed_env parses JSON) or a JSON
    string. Raises ProviderSettingError."""
    if raw in (None, "", {}):
        return {}
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as error:
            raise ProviderSettingError(f"WIDGET_LOGIN_PROVIDERS is not valid JSON: {error}") from None
    if not isinstance(raw, dict):
        raise ProviderSettingError("WIDGET_LOGIN_PROVIDERS must be a JSON object: "
                                   '{"github": {"client_id": "…", "client_secret": "…"}}')
    return {name: _provider(name, settings) for name, settings in raw.items()}


def _provider(name, settings):
    def fail(message):
        raise ProviderSettingError(f"WIDGET_LOGIN_PROVIDERS[{name!r}]: {message}")

    if not isinstance(name, str) or not PROVIDER_NAME.match(name):
        fail("a provider's name is 1 to 32 lowercase letters, digits, '-' or '_'")
    if not isinstance(settings, dict):
        fail("each provider's settings are a JSON object")
    unknown = set(settings) - KNOWN_FIELDS
    if unknown:
        fail(f"unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KNOWN_FIELDS))}")
    merged = {**PRESETS.get(name, {}), **settings}
    for required in ("client_id", "client_secret"):
        if not isinstance(merged.get(required), str) or not merged[required].strip():
            fail(f"'{required}' is missing")
    for name_, value in merged.items():
        if not isinstance(value, str):
            fail(f"'{name_}' must be a string")
    title = merged.get("title", name.capitalize()).strip()
    if not title or len(title) > TITLE_MAX_LENGTH:
        fail(f"'title' must be 1 to {TITLE_MAX_LENGTH} characters")
    if "server_metadata_url" in settings and "authorize_url" in settings:
        fail("give either 'server_metadata_url' (OpenID Connect) or the OAuth 2 endpoints, not both")
    if "server_metadata_url" in settings:  # an explicit issuer replaces a preset's endpoints
        merged = {k: v for k, v in merged.items()
                  if k not in ("authorize_url", "access_token_url", "emails_endpoint")}
        if "scope" not in settings:
            merged["scope"] = "openid email profile"
    elif "authorize_url" in settings:
        merged.pop("server_metadata_url", None)
    for url_field in ("server_metadata_url", "authorize_url", "access_token_url", "api_base_url"):
        if url_field in merged and not merged[url_field].startswith(("https://", "http://")):
            fail(f"'{url_field}' must be an http(s) URL")
    if "server_metadata_url" in merged:
        return Provider(name=name, title=title, client_id=merged["client_id"].strip(),
                        client_secret=merged["client_secret"],
                        scope=merged.get("scope", "openid email profile"),
                        server_metadata_url=merged["server_metadata_url"])
    for required in ("authorize_url", "access_token_url", "userinfo_endpoint"):
        if not merged.get(required):
            fail(f"'{required}' is missing (or give 'server_metadata_url' for OpenID Connect)")
    base = merged.get("api_base_url", "")
    return Provider(
        name=name, title=title, client_id=merged["client_id"].strip(),
        client_secret=merged["client_secret"], scope=merged.get("scope", ""),
        authorize_url=merged["authorize_url"], access_token_url=merged["access_token_url"],
        userinfo_url=urljoin(base, merged["userinfo_endpoint"]),
        emails_url=urljoin(base, merged["emails_endpoint"]) if merged.get("emails_endpoint") else None,
        subject_claim=merged.get("subject_claim"),
    )


def init_app(app):
    """Read the setting once; a mistake stops the app here with its message."""
    app.extensions["login_providers"] = parse_providers(app.config.get("LOGIN_PROVIDERS"))


def configured_providers():
    return current_app.extensions.get("login_providers", {})


def site_providers(site):
    """The providers the site's threads offer, in the site's order, skipping any the
    operator has since removed from the setting."""
    configured = configured_providers()
    return [configured[name] for name in (site.login_providers or []) if name in configured]


def find_provider(site, name):
    """The provider by its short name if the site offers it, else None."""
    return next((provider for provider in site_providers(site) if provider.name == name), None)


def identity_label(identity):
    """How the account menu names one way into an account: "GitHub", an email address."""
    if identity.provider.startswith(IDENTITY_PREFIX):
        name = identity.provider[len(IDENTITY_PREFIX):]
        provider = configured_providers().get(name)
        return provider.title if provider else name
    if identity.provider == "email":
        return identity.email or identity.subject
    if identity.provider == "sso":
        return _("this site's own sign-in")
    return identity.provider
