"""Restoring the commenter accounts of our JSON export into a site.

An account is recognised by any of its identities (a site's identity belongs to one
account), so restoring a file twice, or over a server where the member has signed in
since, adds no second account: the one here is kept as it is and the file's comments
are linked to it. An account without identities is recognised by its name and
creation time.
"""

from sqlalchemy import select

from ..accounts.accounts import set_display_name
from ..accounts.models import Account, AccountIdentity
from ..extensions import db
from ..models import utcnow


def restore_account(site, imported):
    """The id of the account for `imported` on `site`, and whether it was made now."""
    existing = _existing(site, imported)
    if existing is not None:
        return existing, False
    account = Account(site_id=site.id, website=imported.website, email=imported.email,
                      email_verified=imported.email_verified,
                      created_at=imported.created or utcnow(), banned_at=imported.banned)
    set_display_name(account, imported.display_name)
    db.session.add(account)
    for provider, subject in imported.identities:
        db.session.add(AccountIdentity(account=account, site_id=site.id, provider=provider,
                                       subject=subject, created_at=account.created_at,
                                       last_used_at=account.created_at))
    db.session.flush()
    return account.id, True


def _existing(site, imported):
    for provider, subject in imported.identities:
        account_id = db.session.scalar(select(AccountIdentity.account_id).where(
            AccountIdentity.site_id == site.id, AccountIdentity.provider == provider,
            AccountIdentity.subject == subject))
        if account_id is not None:
            return account_id
    if imported.identities or imported.created is None:
        return None
    return db.session.scalar(select(Account.id).where(
        Account.site_id == site.id, Account.display_name == imported.display_name,
        Account.created_at == imported.created).limit(1))
