"""Bans on the posting path: find the ban, if any, that refuses a commenter on a site."""

from sqlalchemy import or_, select

from .extensions import db
from .models import Ban


def normalize_email(email):
    """Emails are compared case-insensitively: stored and looked up lowercased."""
    return email.strip().lower() if email else None


def find_ban(site, email, ip_hashes=()):
    """The ban on this site (or on all sites) matching the email or one of the IP's
    hashes (one per IP salt still kept, see privacy.ip_hashes), or None."""
    matches = []
    if email:
        matches.append(Ban.email == normalize_email(email))
    if ip_hashes:
        matches.append(Ban.ip_hash.in_(list(ip_hashes)))
    if not matches:
        return None
    return db.session.scalar(
        select(Ban)
        .where(or_(*matches), or_(Ban.site_id.is_(None), Ban.site_id == site.id))
        .order_by(Ban.id)
        .limit(1)
    )
