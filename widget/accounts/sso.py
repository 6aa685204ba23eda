"""The host site's own users: the site's SSO secret, and the token it signs for a visitor.

The site owner's server signs a short-lived JWT (HS256 with the site's secret) for the
visitor logged in there and puts it on the embed div (`data-sso`); the loader hands it
to the thread by postMessage, and the thread trades it here for a commenter session.
Anything wrong with a token (missing, malformed, expired, tampered, another site's,
another algorithm) means "signed out": the thread shows as for anyone, and the reason
is logged at info level, since it is the host's or the visitor's doing, not ours.
"""

import secrets
import time
from datetime import timedelta

import jwt

from ..extensions import db
from ..models import Site, utcnow
from ..urls import InvalidURL, origin_of
from .accounts import sign_in_identity
from .names import UnusableName, clean_display_name

MAX_TOKEN_BYTES = 8 * 1024
MAX_LIFETIME = timedelta(hours=24)  # a token valid for longer is refused
CLOCK_SKEW = 60  # seconds of leeway on exp, iat and nbf
# After `sites sso KEY --rotate`, tokens signed with the previous secret keep working
# this long: as long as the longest token the site may have handed out before.
ROTATION_GRACE = timedelta(hours=24)
PROVIDER = "sso"


class InvalidToken(ValueError):
    """Why an SSO token does not sign anyone in (for the log and the JSON answer)."""


def ensure_secret(site):
    """The site's SSO secret, made on first use."""
    if not site.sso_secret:
        site.sso_secret = secrets.token_urlsafe(48)
        db.session.commit()
    return site.sso_secret


def rotate_secret(site):
    """A new secret; the previous one stays valid for ROTATION_GRACE."""
    site.sso_previous_secret = ensure_secret(site)
    site.sso_secret = secrets.token_urlsafe(48)
    site.sso_rotated_at = utcnow()
    db.session.commit()
    return site.sso_secret


def _valid_secrets(site):
    keys = [site.sso_secret] if site.sso_secret else []
    if (site.sso_previous_secret and site.sso_rotated_at
            and utcnow() - site.sso_rotated_at < ROTATION_GRACE):
        keys.append(site.sso_previous_secret)
    return keys


def verify_token(site: Site, token):
    """The token's claims, checked: signature (HS256 only, the site's current or previous
    secret), exp within 24 h, sub and name present. Raises InvalidToken."""
    if not isinstance(token, str) or not token.strip():
        raise InvalidToken("no token")
    if len(token.encode()) > MAX_TOKEN_BYTES:
        raise InvalidToken("token larger than 8 KB")
    keys = _valid_secrets(site)
    if not keys:
        raise InvalidToken("the site has no SSO secret")
    error = None
    for key in keys:
        try:
            claims = jwt.decode(
                token, key, algorithms=["HS256"], leeway=CLOCK_SKEW,
                options={"require": ["exp", "sub", "name"], "verify_aud": False},
            )
            break
        except jwt.InvalidSignatureError as mismatch:
            error = mismatch  # perhaps signed with the other secret
        except jwt.PyJWTError as refusal:
            raise InvalidToken(str(refusal)) from None
    else:
        raise InvalidToken(str(error))
    _check_claims(site, claims)
    return claims


def _check_claims(site, claims):
    exp = claims["exp"]
    if not isinstance(exp, (int, float)):
        raise InvalidToken("exp is not a number")
    if exp - time.time() > MAX_LIFETIME.total_seconds() + CLOCK_SKEW:
        raise InvalidToken("token valid for more than 24 hours")
    if "aud" in claims and claims["aud"] != site.key:
        raise InvalidToken("token made for another site")
    if not isinstance(claims["sub"], (str, int)) or not str(claims["sub"]).strip():
        raise InvalidToken("sub is empty")
    if len(str(claims["sub"])) > 255:
        raise InvalidToken("sub longer than 255 characters")
    if not isinstance(claims["name"], str):
        raise InvalidToken("name is not a string")
    for optional in ("email", "url"):
        if optional in claims and not isinstance(claims[optional], (str, type(None))):
            raise InvalidToken(f"{optional} is not a string")


def sign_in(site, token, replaced_token=None):
    """Trade a valid token for a commenter session: the host's user id finds (or makes)
    the account, whose name, email and website follow the token. Returns (account,
    commenter token); raises InvalidToken."""
    claims = verify_token(site, token)
    try:
        name = clean_display_name(claims["name"])
    except UnusableName as unusable:
        raise InvalidToken(f"name: {unusable}") from None
    email = (claims.get("email") or "").strip().lower()[:254] or None
    if email and "@" not in email:
        email = None
    website = _website(claims.get("url"))
    return sign_in_identity(
        site, PROVIDER, str(claims["sub"]).strip(), display_name=name, email=email,
        email_verified=bool(email), website=website, update_profile=True,
        method=f"{PROVIDER}:{_host_of(site)}", replaced_token=replaced_token,
    )


def _website(url):
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        return None
    url = url.strip()
    return url if len(url) <= 500 and not any(char.isspace() for char in url) else None


def _host_of(site):
    """The name readers know the site by ("via blog.example.com"): its first origin's host."""
    for origin in site.allowed_origins:
        try:
            return origin_of(origin).split("://", 1)[1]
        except (InvalidURL, IndexError):
            continue
    return site.name
