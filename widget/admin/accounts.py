"""Admin accounts: create them, check passwords (werkzeug's scrypt), manage their sites."""

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..clisites import command
from ..extensions import db
from ..models import Admin, Site

MIN_PASSWORD_LENGTH = 10
PASSWORD_METHOD = "scrypt"
_unknown_account_hash = None


class AccountError(ValueError):
    """Raised with a message fit to show whoever runs the command."""


def normalize_email(email):
    return (email or "").strip().lower()


def find_admin(email):
    return db.session.scalar(select(Admin).where(Admin.email == normalize_email(email)))


def hash_password(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    return generate_password_hash(password, method=PASSWORD_METHOD)


def create_admin(email, password, site_keys=()):
    """A superadmin when no site keys are given, else a moderator of those sites only."""
    email = normalize_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"“{email}” is not a valid email address: {error}") from None
    if find_admin(email) is not None:
        raise AccountError(f"An admin with the email {email} exists already.")
    sites = _sites_by_key(site_keys)
    admin = Admin(email=email, password_hash=hash_password(password),
                  is_superadmin=not sites, sites=sites)
    db.session.add(admin)
    db.session.commit()
    return admin


def set_password(email, password):
    admin = find_admin(email)
    if admin is None:
        raise AccountError(f"There is no admin with the email {normalize_email(email)}.")
    admin.password_hash = hash_password(password)
    db.session.commit()
    return admin


def all_admins():
    return db.session.scalars(select(Admin).order_by(Admin.email)).all()


def authenticate(email, password):
    """The admin with this email and password, or None.

    An unknown email costs the same scrypt check as a wrong password, so the response
    time does not tell which accounts exist.
    """
    admin = find_admin(email)
    if admin is None:
        check_password_hash(_unknown_account_password_hash(), password)
        return None
    return admin if check_password_hash(admin.password_hash, password) else None


def _unknown_account_password_hash():
    global _unknown_account_hash
    if _unknown_account_hash is None:
        _unknown_account_hash = generate_password_hash("no such account", method=PASSWORD_METHOD)
    return _unknown_account_hash


def _sites_by_key(site_keys):
    sites = []
    for key in dict.fromkeys(site_keys):
        site = db.session.scalar(select(Site).where(Site.key == key))
        if site is None:
            raise AccountError(f"No site has the key “{key}” (see `{command('sites list')}`).")
        sites.append(site)
    return sites
