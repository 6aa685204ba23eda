"""Finding or making the account behind an identity, and how it shows to readers."""

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import utcnow
from .models import Account, AccountIdentity
from .names import shape, skeleton
from .sessions import start_session


class AccountBanned(Exception):
    """The identity belongs to a banned account: no session for it."""


def sign_in_identity(site, provider, subject, *, display_name, email=None,
                     email_verified=False, website=None, update_profile=False,
                     method=None, replaced_token=None):
    """The account with this identity on the site (made on first sign-in), signed in
    with a new session; all in one transaction. With update_profile (the host site's
    users), the name, email and website follow what the identity says now.

    Returns (account, commenter token); raises AccountBanned.
    """
    identity = db.session.scalar(select(AccountIdentity).where(
        AccountIdentity.site_id == site.id, AccountIdentity.provider == provider,
        AccountIdentity.subject == subject))
    if identity is None:
        account = Account(site_id=site.id, email=email, email_verified=email_verified,
                          website=website)
        set_display_name(account, display_name)
        identity = AccountIdentity(account=account, site_id=site.id, provider=provider,
                                   subject=subject, email=email)
        db.session.add_all([account, identity])
    else:
        account = identity.account
        identity.last_used_at = utcnow()
        if update_profile:
            set_display_name(account, display_name)
            account.website = website
            identity.email = email
            if email:
                account.email, account.email_verified = email, email_verified
    if account.banned_at is not None:
        db.session.rollback()
        raise AccountBanned()
    db.session.flush()
    return account, start_session(account, method or provider, replaced_token)


def set_display_name(account, name):
    account.display_name = name
    account.name_skeleton = skeleton(name)
    account.name_shape = shape(name)


def describe_method(method):
    """How a commenter signed in, as readers read it beside the name ("via
    blog.example.com", "email verified")."""
    provider, _sep, detail = (method or "").partition(":")
    if provider == "email":
        return _("email verified")
    if detail:
        return _("via %(name)s", name=detail)
    return _("signed in")
