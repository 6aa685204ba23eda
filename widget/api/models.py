"""API tokens: a script's key to the admin API, scoped to some sites and to read or
moderate; only a hash is stored, the token itself is shown once when it is made."""

import enum
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Admin, Site, utcnow

TOKEN_PREFIX = "wgt_"


class TokenScope(enum.StrEnum):
    READ = "read"  # the queue and the export
    MODERATE = "moderate"  # that, and approve, spam, delete and ban


api_token_site = Table(
    "api_token_site",
    db.metadata,
    Column("token_id", ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True),
    Column("site_id", ForeignKey("site.id", ondelete="CASCADE"), primary_key=True),
)


def new_token_secret():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token):
    """SHA-256 is enough for a random 256-bit secret (no dictionary to guess from)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, so that an admin can tell tokens apart without the secret.
    hint: Mapped[str] = mapped_column(String(12))
    scope: Mapped[TokenScope] = mapped_column(
        db.Enum(TokenScope, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        default=TokenScope.READ,
    )
    # Who made it: the API acts as this admin (audit entries name them) and never beyond
    # the sites they may see.
    admin_id: Mapped[int] = mapped_column(ForeignKey("admin.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    admin: Mapped[Admin] = relationship()
    sites: Mapped[list[Site]] = relationship(secondary=api_token_site, order_by=Site.id)

    @property
    def active(self):
        return self.revoked_at is None

    @property
    def may_moderate(self):
        return self.scope == TokenScope.MODERATE
