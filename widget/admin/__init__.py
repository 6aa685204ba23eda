"""The moderation dashboard at /admin: sign-in, sites, the queue, bans and the audit log."""

from . import (  # noqa: F401  (each views module adds its routes to bp)
    views_accounts,
    views_audit,
    views_auth,
    views_bans,
    views_overview,
    views_porting,
    views_queue,
    views_sites,
    views_sso,
    views_threads,
)
from .blueprint import bp
from .cli import admins_cli
from .session import SplitSessionInterface

__all__ = ["bp", "admins_cli", "SplitSessionInterface"]
