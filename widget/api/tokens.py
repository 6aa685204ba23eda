"""Making, revoking and checking API tokens (the dashboard and the CLI call these)."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..admin.access import may_see_site
from ..extensions import db
from ..models import utcnow
from .models import ApiToken, TokenScope, hash_token, new_token_secret

MAX_NAME_LENGTH = 100


class TokenRefused(ValueError):
    pass


def create_token(admin, name, scope, sites):
    """A new token for `admin`, limited to `sites` (each one the admin may see) →
    (ApiToken, the secret to show once). The caller commits."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise TokenRefused(_("Give the token a name of 1 to 100 characters."))
    if not sites:
        raise TokenRefused(_("Choose at least one site for the token."))
    if any(not may_see_site(admin, site.id) for site in sites):
        raise TokenRefused(_("A token can only reach sites its admin may moderate."))
    secret = new_token_secret()
    token = ApiToken(name=name, token_hash=hash_token(secret), hint=secret[:10],
                     scope=TokenScope(scope), admin_id=admin.id, sites=list(sites))
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(token):
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def find_active_token(secret):
    """The unrevoked token this secret is, or None."""
    if not secret or len(secret) > 200:
        return None
    return db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None)))


def token_reaches(token, site):
    """Named on the token, and still among the sites of the admin who made it."""
    return (any(reached.id == site.id for reached in token.sites)
            and may_see_site(token.admin, site.id))


def tokens_of(admin):
    """The tokens an admin sees in the dashboard: their own (a superadmin: everyone's)."""
    query = select(ApiToken).order_by(ApiToken.id.desc())
    if not admin.is_superadmin:
        query = query.where(ApiToken.admin_id == admin.id)
    return db.session.scalars(query).all()
