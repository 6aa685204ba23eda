"""Commenter accounts in our JSON export: written per site before its threads, read
back into ImportedAccount items (docs/export-format.md, "accounts").

An account carries what the site owner needs to keep their members: the display name,
website, email and whether it was verified, each identity (provider and subject), the
ban and the creation time. Sessions, sign-in codes and the SSO secret are server
secrets, never exported: a restored member simply signs in again.
"""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Account
from ..accounts.names import DISPLAY_NAME_MAX_LENGTH, UnusableName, clean_display_name
from ..extensions import db
from .stream import ImportedAccount, Skipped, parse_iso_datetime
from .words import words


def site_accounts(site, time):
    """The site's accounts as export dicts, with ids 1, 2, … in id order, and
    {database id: that id} for the comments that name them."""
    accounts = db.session.scalars(
        select(Account).where(Account.site_id == site.id)
        .options(selectinload(Account.identities)).order_by(Account.id)).all()
    local_ids = {account.id: number for number, account in enumerate(accounts, start=1)}
    return [{
        "id": local_ids[account.id],
        "display_name": account.display_name,
        "website": account.website,
        "email": account.email,
        "email_verified": account.email_verified,
        "identities": [{"provider": identity.provider, "subject": identity.subject}
                       for identity in account.identities],
        "banned": time(account.banned_at),
        "created": time(account.created_at),
    } for account in accounts], local_ids


def account_source_id(site_key, local_id):
    """How the reader names a file's account, unique across the file's sites."""
    return f"{site_key} {local_id}"


def read_account(account, site_key):
    """An ImportedAccount from an "accounts" entry, or Skipped saying why not."""
    if not isinstance(account, dict):
        return Skipped(words("an account of site %(site)s", site=site_key),
                       words("it is not a JSON object"))
    what = words("account %(id)s of site %(site)s", id=account.get("id"), site=site_key)
    local_id = account.get("id")
    if type(local_id) is not int:
        return Skipped(what, words("its id is not a number"))
    try:
        name = clean_display_name(account.get("display_name")
                                  if isinstance(account.get("display_name"), str) else "")
    except UnusableName as unusable:
        return Skipped(what, words("display_name: %(problem)s", problem=str(unusable)))
    identities = _identities(account.get("identities"))
    if identities is None:
        return Skipped(what, words("its identities are not a list of provider and subject "
                                   "(at most 64 and 255 characters)"))
    email = _string(account.get("email"), 254)
    email = email.lower() if email and "@" in email else None
    website = _string(account.get("website"), 500)
    if website and not website.lower().startswith(("http://", "https://")):
        website = None
    return ImportedAccount(
        source_id=account_source_id(site_key, local_id),
        display_name=name[:DISPLAY_NAME_MAX_LENGTH],
        website=website,
        email=email,
        email_verified=account.get("email_verified") is True and email is not None,
        identities=identities,
        banned=parse_iso_datetime(_string(account.get("banned"), 64)),
        created=parse_iso_datetime(_string(account.get("created"), 64)),
    )


def _identities(raw):
    if not isinstance(raw, list):
        return None
    identities = []
    for entry in raw:
        if not isinstance(entry, dict):
            return None
        provider, subject = _string(entry.get("provider"), 64), _string(entry.get("subject"), 255)
        if not provider or not subject:
            return None
        identities.append((provider, subject))
    return tuple(dict.fromkeys(identities))  # listed twice: once


def _string(value, max_length):
    """A non-empty string of at most max_length characters, else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        return None
    return value.strip()
