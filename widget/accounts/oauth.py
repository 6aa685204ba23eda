"""The authorization code flow with a provider, by Authlib: the URL that sends the reader
to sign in (state, PKCE S256, and a nonce for OpenID Connect), and the code traded back
for who they are. Knows nothing of Flask's request or of accounts: views.py keeps the
pending values in the session and decides what the result means.

OpenID Connect providers prove who signed in with an ID token, checked here (signature
against the issuer's keys, issuer, audience, expiry, nonce, at_hash); plain OAuth 2
providers (GitHub) by their profile API, asked with the access token.
"""

import logging
import time
from dataclasses import dataclass

import httpx2
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

log = logging.getLogger(__name__)
METADATA_MAX_AGE = 3600  # seconds a discovery document and its keys are kept
ID_TOKEN_LEEWAY = 120  # seconds of clock skew allowed on exp and iat
MAX_RESPONSE_BYTES = 256 * 1024
_metadata_cache = {}  # server_metadata_url -> (fetched at, metadata, keys)


class ProviderError(Exception):
    """The provider did not tell us who signed in. `kind` picks the reader's message:
    "unavailable" (down, slow, answering nonsense), "refused" (an error, a bad token),
    "no_subject" (no stable user id in what it said)."""

    def __init__(self, kind, detail):
        super().__init__(detail)
        self.kind = kind


@dataclass
class Profile:
    """Who signed in, as the provider says."""

    subject: str
    name: str | None
    email: str | None
    email_verified: bool


def _client(provider, redirect_uri):
    return OAuth2Client(
        client_id=provider.client_id, client_secret=provider.client_secret,
        scope=provider.scope or None, redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=current_app.config["LOGIN_PROVIDER_TIMEOUT"],
    )


def _get_json(client, url, **kwargs):
    """A provider's JSON answer, or ProviderError("unavailable")."""
    try:
        response = client.request("GET", url, withhold_token=True, **kwargs)
    except httpx2.TimeoutException:
        raise ProviderError("unavailable", f"timed out: {url}") from None
    except httpx2.HTTPError as error:
        raise ProviderError("unavailable", f"{url}: {error}") from None
    if response.status_code >= 500:
        raise ProviderError("unavailable", f"{url} answered {response.status_code}")
    if response.status_code >= 400:
        raise ProviderError("refused", f"{url} answered {response.status_code}")
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise ProviderError("unavailable", f"{url} answered more than {MAX_RESPONSE_BYTES} bytes")
    try:
        return response.json()
    except ValueError:
        raise ProviderError("unavailable", f"{url} did not answer JSON") from None


def server_metadata(provider, client, force=False):
    """The issuer's discovery document and its signing keys, kept for an hour."""
    cached = _metadata_cache.get(provider.server_metadata_url)
    if cached and not force and time.monotonic() - cached[0] < METADATA_MAX_AGE:
        return cached[1], cached[2]
    metadata = _get_json(client, provider.server_metadata_url)
    if not isinstance(metadata, dict) or not all(
            isinstance(metadata.get(key), str) for key in
            ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")):
        raise ProviderError("unavailable", "the discovery document lacks an endpoint")
    keys = _get_json(client, metadata["jwks_uri"])
    _metadata_cache[provider.server_metadata_url] = (time.monotonic(), metadata, keys)
    return metadata, keys


def begin(provider, redirect_uri):
    """(URL to send the reader to, the values to keep until they come back)."""
    pending = {"state": generate_token(32), "verifier": generate_token(64)}
    extra = {}
    with _client(provider, redirect_uri) as client:
        if provider.is_oidc:
            metadata, _keys = server_metadata(provider, client)
            authorize_url = metadata["authorization_endpoint"]
            pending["nonce"] = extra["nonce"] = generate_token(32)
        else:
            authorize_url = provider.authorize_url
        url, _state = client.create_authorization_url(
            authorize_url, state=pending["state"], code_verifier=pending["verifier"], **extra)
    return url, pending


def finish(provider, redirect_uri, pending, code):
    """Trade the code (with the PKCE verifier) for a token, and the token for a Profile.
    Raises ProviderError."""
    with _client(provider, redirect_uri) as client:
        if provider.is_oidc:
            metadata, keys = server_metadata(provider, client)
            token_url = metadata["token_endpoint"]
        else:
            token_url = provider.access_token_url
        try:
            token = client.fetch_token(token_url, grant_type="authorization_code", code=code,
                                       code_verifier=pending["verifier"])
        except httpx2.TimeoutException:
            raise ProviderError("unavailable", "the token endpoint timed out") from None
        except httpx2.HTTPError as error:
            raise ProviderError("unavailable", f"token endpoint: {error}") from None
        except OAuthError as error:
            raise ProviderError("refused", f"token endpoint: {error}") from None
        except ValueError as error:  # not JSON
            raise ProviderError("unavailable", f"token endpoint: {error}") from None
        if not token.get("access_token"):
            raise ProviderError("refused", "no access token in the token answer")
        if provider.is_oidc:
            return _oidc_profile(provider, client, metadata, keys, token, pending["nonce"])
        return _oauth_profile(provider, client, token)


def _oidc_profile(provider, client, metadata, keys, token, nonce):
    if not token.get("id_token"):
        raise ProviderError("refused", "no ID token in the token answer")
    claims = _id_token_claims(provider, client, metadata, keys, token, nonce)
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise ProviderError("no_subject", "the ID token has no subject")
    profile = dict(claims)
    if isinstance(metadata.get("userinfo_endpoint"), str):
        userinfo = _get_json(client, metadata["userinfo_endpoint"],
                             headers={"Authorization": f"Bearer {token['access_token']}"})
        # Claims about someone else are ignored (OpenID Connect Core 5.3.2).
        if isinstance(userinfo, dict) and userinfo.get("sub") == subject:
            profile.update(userinfo)
    return _profile(subject, profile, verified_flag=profile.get("email_verified") is True)


def _id_token_claims(provider, client, metadata, keys, token, nonce):
    registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported")
                           or ["RS256"], strict_check_header=False)
    try:
        try:
            decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys), registry=registry)
        except JoseError:
            # Perhaps the issuer rotated its keys since we fetched them.
            _metadata, keys = server_metadata(provider, client, force=True)
            decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys), registry=registry)
        claims = CodeIDToken(
            decoded.claims, decoded.header, {"iss": {"values": [metadata["issuer"]]}},
            {"nonce": nonce, "client_id": provider.client_id,
             "access_token": token["access_token"]})
        claims.validate(leeway=ID_TOKEN_LEEWAY)
    except (JoseError, ValueError, TypeError) as error:
        raise ProviderError("refused", f"ID token refused: {error}") from None
    if claims.get("nonce") != nonce:  # the nonce is required, not only checked when present
        raise ProviderError("refused", "ID token refused: the nonce does not match")
    return claims


def _oauth_profile(provider, client, token):
    headers = {"Authorization": f"Bearer {token['access_token']}", "Accept": "application/json"}
    profile = _get_json(client, provider.userinfo_url, headers=headers)
    if not isinstance(profile, dict):
        raise ProviderError("unavailable", "the profile is not a JSON object")
    subject_claim = provider.subject_claim or ("sub" if "sub" in profile else "id")
    subject = profile.get(subject_claim)
    if isinstance(subject, bool) or not isinstance(subject, (str, int)) or not str(subject).strip():
        raise ProviderError("no_subject", f"the profile has no {subject_claim!r}")
    verified = profile.get("email_verified") is True
    if provider.emails_url:
        primary = _verified_primary_email(client, provider.emails_url, headers)
        profile["email"], verified = primary, primary is not None
    return _profile(str(subject), profile, verified_flag=verified)


def _verified_primary_email(client, url, headers):
    """GitHub's /user/emails: the primary address if GitHub verified it, else None."""
    try:
        emails = _get_json(client, url, headers=headers)
    except ProviderError as error:
        log.info("no email list from %s: %s", url, error)  # the sign-in goes on without it
        return None
    for entry in emails if isinstance(emails, list) else []:
        if isinstance(entry, dict) and entry.get("primary") and entry.get("verified"):
            email = entry.get("email")
            return email if isinstance(email, str) else None
    return None


def _profile(subject, claims, verified_flag):
    name = next((claims[key] for key in ("name", "preferred_username", "nickname", "login")
                 if isinstance(claims.get(key), str) and claims[key].strip()), None)
    email = claims.get("email")
    email = email.strip().lower() if isinstance(email, str) and "@" in email else None
    if email and len(email) > 254:
        email = None
    subject = subject.strip()
    if not subject or len(subject) > 255:
        raise ProviderError("no_subject", "the user id is empty or longer than 255 characters")
    return Profile(subject=subject, name=name, email=email,
                   email_verified=bool(email) and verified_flag)
