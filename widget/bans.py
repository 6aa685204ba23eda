"""Bans on the posting path: find the ban, if any, that refuses a commenter on a site."""

from sqlalchemy import bindparam, or_, select

from .extensions import db
from .models import Ban


def normalize_email(email):
    """Emails are compared case-insensitively: stored and looked up lowercased."""
    return email.strip().lower() if email else None


def find_ban(site, email, ip_hashes=()):
    """The ban on this site (or on all sites) matching the email or one of the IP's
    hashes (one per IP salt still kept, see privacy.ip_hashes), or None."""
    hashes = list(dict.fromkeys(ip_hashes))
    email = normalize_email(email)
    if not email and not hashes:
        return None
    # A missing value is NULL, which matches nothing; more hashes than the statement
    # takes (not the case with the salts kept) are asked in turn.
    for start in range(0, max(len(hashes), 1), _HASHES_PER_QUERY):
        chunk = hashes[start:start + _HASHES_PER_QUERY]
        chunk += [None] * (_HASHES_PER_QUERY - len(chunk))
        ban_id = db.session.scalar(_FIRST_BAN, {
            "site_id": site.id, "email": email,
            **{f"hash{n}": ip_hash for n, ip_hash in enumerate(chunk)},
        })
        if ban_id is not None:
            return db.session.get(Ban, ban_id)
    return None


# On the path of every post: built once (building it costs more than running it), plain
# columns rather than ORM entities, no expanding IN list.
_HASHES_PER_QUERY = 2
_BANS = Ban.__table__.c
_FIRST_BAN = (
    select(_BANS.id)
    .where(or_(_BANS.email == bindparam("email"),
               *(_BANS.ip_hash == bindparam(f"hash{n}") for n in range(_HASHES_PER_QUERY))),
           or_(_BANS.site_id.is_(None), _BANS.site_id == bindparam("site_id")))
    .order_by(_BANS.id)
    .limit(1)
)
