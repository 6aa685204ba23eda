"""The audit log: one row per moderation action, written in the action's transaction."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Admin, AuditEntry
from . import audit_details
from .access import in_scope

ACTION_LABELS = {
    "approve": _l("approved"),
    "spam": _l("marked as spam"),
    "delete": _l("deleted"),
    "restore": _l("restored"),
    "edit": _l("edited"),
    "ban": _l("banned"),
    "unban": _l("lifted a ban"),
    "close_thread": _l("closed a thread"),
    "reopen_thread": _l("reopened a thread"),
    "create_site": _l("created a site"),
    "edit_site": _l("changed a site"),
    "import": _l("imported comments"),
    "export": _l("exported comments"),
    "ban_account": _l("banned a commenter account"),
    "unban_account": _l("lifted a commenter account's ban"),
    "create_sso_secret": _l("made the SSO secret"),
    "rotate_sso_secret": _l("rotated the SSO secret"),
    "add_webhook": _l("added a webhook"),
    "remove_webhook": _l("removed a webhook"),
}


def record(admin, action, site_id, comment=None, from_status=None, to_status=None, details="",
           message=None, params=None):
    """Add an entry to the session; the caller's commit stores it with the change itself.

    `admin` is None for actions taken through a moderation link sent by email (the
    details then name the address it was sent to). Details that are words rather than
    names, URLs or user text are a `message` of audit_details.RENDERERS with its `params`,
    shown in each reader's language (and kept in English in `details`).
    """
    if message is not None:
        details = audit_details.render(message, params)
    db.session.add(AuditEntry(
        admin_id=admin.id if admin is not None else None,
        action=action,
        site_id=site_id,
        comment_id=comment.id if comment is not None else None,
        from_status=str(from_status) if from_status is not None else None,
        to_status=str(to_status) if to_status is not None else None,
        details=details,
        details_message=message,
        details_params=params,
    ))


def entries_query(admin, admin_id=None, site_id=None):
    """Newest first, within the admin's sites (entries about all sites: superadmins only)."""
    query = (
        select(AuditEntry)
        .options(joinedload(AuditEntry.admin), joinedload(AuditEntry.site))
        .where(in_scope(AuditEntry.site_id, admin))
    )
    if admin_id is not None:
        query = query.where(AuditEntry.admin_id == admin_id)
    if site_id is not None:
        query = query.where(AuditEntry.site_id == site_id)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def acting_admins(admin):
    """The admins whose actions this admin may see, for the filter."""
    return db.session.scalars(
        select(Admin)
        .where(Admin.id.in_(
            select(AuditEntry.admin_id).where(in_scope(AuditEntry.site_id, admin))
        ))
        .order_by(Admin.email)
    ).all()
