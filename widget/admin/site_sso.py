"""A site's SSO secret in the dashboard: what its page shows, and making or rotating it.

The secret signs the host site's users into its threads, so it is shown to superadmins
only (like import and export, it hands over every member of the site); moderators see
how to wire the snippet, not the key.
"""

from dataclasses import dataclass
from datetime import datetime

from ..accounts.sso import ROTATION_GRACE, ensure_secret, rotate_secret
from ..models import utcnow
from . import audit

SNIPPET_ATTRIBUTES = ('data-sso="TOKEN" data-sso-login="https://your-site.example/login" '
                      'data-sso-logout="https://your-site.example/logout"')


@dataclass
class SsoPanel:
    """What the site page's "Sign-in through your site" section shows."""

    may_see_secret: bool
    secret: str | None  # only for superadmins; None when the site has none yet
    previous_valid_until: datetime | None  # the grace period of the last rotation
    grace_hours: int
    snippet_attributes: str = SNIPPET_ATTRIBUTES


def grace_hours():
    return int(ROTATION_GRACE.total_seconds() // 3600)


def sso_panel(site, admin):
    may_see = admin.is_superadmin
    until = None
    if may_see and site.sso_previous_secret and site.sso_rotated_at:
        until = site.sso_rotated_at + ROTATION_GRACE
        if until <= utcnow():
            until = None
    return SsoPanel(may_see_secret=may_see, secret=site.sso_secret if may_see else None,
                    previous_valid_until=until, grace_hours=grace_hours())


def make_or_rotate(admin, site):
    """Make the site's first secret, or rotate it (the previous one keeps working for
    ROTATION_GRACE). Audited, without the secret: the log is read by moderators too.
    Returns True for a rotation, False for a first secret."""
    rotating = site.sso_secret is not None
    if rotating:
        audit.record(admin, "rotate_sso_secret", site.id, message="sso_rotated",
                     params={"num": grace_hours()})
    else:
        audit.record(admin, "create_sso_secret", site.id)
    if rotating:
        rotate_secret(site)  # commits the audit entry with the new secret
    else:
        ensure_secret(site)
    return rotating
