"""Adding and lifting bans from the dashboard (the posting path only reads them:
see widget/bans.py)."""

import ipaddress
import re

from flask_babel import get_translations, gettext
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ..bans import normalize_email
from ..extensions import db
from ..models import Ban
from ..privacy import hash_ip
from . import audit, audit_details
from .access import in_scope

IP_HASH = re.compile(r"^[0-9a-f]{64}$")


class BanTargetError(ValueError):
    pass


def parse_target(value):
    """("email", address) or ("ip_hash", hash) from what the admin typed: an email, an
    IP address (hashed like commenters' addresses are), or an IP hash copied from the queue."""
    value = value.strip()
    if "@" in value:
        local, _, domain = value.rpartition("@")
        if not local or "." not in domain or any(char.isspace() for char in value):
            raise BanTargetError(gettext("“%(value)s” is not a valid email address.", value=value))
        return "email", normalize_email(value)
    if IP_HASH.match(value.lower()):
        return "ip_hash", value.lower()
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        raise BanTargetError(gettext(
            "Enter an email address, an IP address, or an IP hash (64 hex digits) from the queue."
        )) from None
    return "ip_hash", hash_ip(str(address))


def add_ban(admin, site, kind, value, reason=""):
    ban = Ban(site_id=site.id if site else None, reason=reason.strip(), created_by_id=admin.id,
              **{kind: value})
    db.session.add(ban)
    db.session.flush()
    audit.record(admin, "ban", ban.site_id, message="ban", params=_ban_params(ban))
    db.session.commit()
    return ban


def lift_ban(admin, ban):
    audit.record(admin, "unban", ban.site_id, message="ban", params=_ban_params(ban))
    db.session.delete(ban)
    db.session.commit()


def describe(ban):
    """Who is banned where, in the admin's language (the audit log's words too)."""
    return audit_details.render("ban", _ban_params(ban), get_translations())


def _ban_params(ban):
    return {"email": ban.email, "hash": None if ban.email else ban.ip_hash[:12],
            "site": ban.site.name if ban.site else None, "reason": ban.reason or None}


def bans_query(admin):
    """Bans on the admin's sites, and bans on all sites (a moderator sees, not lifts, those)."""
    return (
        select(Ban)
        .options(joinedload(Ban.site), joinedload(Ban.created_by))
        .where(or_(Ban.site_id.is_(None), in_scope(Ban.site_id, admin)))
        .order_by(Ban.created_at.desc(), Ban.id.desc())
    )
