"""Commenter accounts: who a signed-in commenter is on one site, how they sign in, and
the revocable sessions and one-time codes that prove it.

Accounts belong to one site, like the comments they write: a site's owner sees and
moderates only their own members, a name is reserved on the site where it is used, and
nothing ties a reader's accounts on two unrelated sites together.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Site, utcnow


class Account(db.Model):
    __table_args__ = (Index("ix_account_site_id_name_skeleton", "site_id", "name_skeleton"),
                      Index("ix_account_site_id_name_shape", "site_id", "name_shape"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(100))
    # The name as it looks (names.py): "Kevin", "kevin" and "K\u0435vin" with a Cyrillic
    # е share one, so that no anonymous commenter can pass for the member.
    name_skeleton: Mapped[str] = mapped_column(String(400))
    name_shape: Mapped[str] = mapped_column(String(400))  # names.shape: case kept
    website: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))  # lowercased; never shown publicly
    email_verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    banned_at: Mapped[datetime | None]  # a ban ends every session and refuses new ones

    site: Mapped[Site] = relationship()
    identities: Mapped[list["AccountIdentity"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AccountIdentity.id")


class AccountIdentity(db.Model):
    """One way into an account: the site's own user id ("sso"), an email address
    ("email"), later an OAuth provider's subject."""

    __table_args__ = (UniqueConstraint("site_id", "provider", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="identities")


class AccountSession(db.Model):
    """A signed-in browser: only the hash of its token is kept, so that a leaked database
    signs nobody in, and deleting the row signs that browser out."""

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"),
                                            index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    method: Mapped[str] = mapped_column(String(64))  # the identity's provider
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship()


class SignInCode(db.Model):
    """A one-time code (and link) mailed to an address that asked to sign in."""

    __table_args__ = (Index("ix_sign_in_code_site_id_email", "site_id", "email"),
                      Index("ix_sign_in_code_ip_hash_created_at", "ip_hash", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))  # lowercased
    display_name: Mapped[str] = mapped_column(String(100))  # for a new account
    code_hash: Mapped[str] = mapped_column(String(64))
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
