"""Sign in with email, no password: one-time codes mailed to an address, and trading one
for a commenter session.

Asking for a code does the same work for every address (a row, a mail in the outbox),
and never looks at accounts, so the answer cannot tell whether the address has one.
Only the HMAC of a code is kept (with the app's secret, the site and the address in the
key), so a copy of the database signs nobody in. A code lives SIGN_IN_CODE_LIFETIME
seconds and works once; codes are limited per address and per client network, and
SIGN_IN_CODE_ATTEMPTS wrong ones lock the address's codes until they expire.
"""

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from ..extensions import db
from ..mail import links
from ..mail.outbox import enqueue
from ..models import utcnow
from .accounts import sign_in_identity
from .models import AccountIdentity, SignInCode
from .names import UnusableName, clean_display_name, is_member_name

PROVIDER = "email"
CODE_DIGITS = 6
LINK_SALT = "widget.email-sign-in-link"
LIMIT_WINDOW = timedelta(hours=1)


class CodeRefused(ValueError):
    """Why no code was sent or the code did not sign in; `field` is the form field the
    message belongs beside (None: the whole form)."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class SentCode:
    row: SignInCode
    code: str  # only for the mail (and the tests that read it there)


def normalized_address(email):
    return (email or "").strip().lower()


def _config(name):
    return int(current_app.config[name])


def code_hash(site_id, email, code):
    key = current_app.secret_key.encode()
    return hmac.new(key, f"sign-in-code\0{site_id}\0{email}\0{code}".encode(),
                    hashlib.sha256).hexdigest()


def _link_serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=LINK_SALT)


def link_token(row, code, article_url):
    """What the mailed link carries: which code, the code itself (checked against its
    hash like a typed one), and the article to lead back to."""
    return _link_serializer().dumps({"i": row.id, "c": code, "u": article_url})


def load_link_token(token):
    """(code id, code, article URL) from a link; raises links.BadLink."""
    try:
        payload = _link_serializer().loads(token, max_age=_config("SIGN_IN_CODE_LIFETIME"))
    except SignatureExpired:
        raise links.BadLink(_("This sign-in link has expired. Please ask for a new code.")) from None
    except BadSignature:
        raise links.BadLink(_("This link is not valid. Please copy the whole link from the email.")) from None
    if not (isinstance(payload, dict) and isinstance(payload.get("i"), int)
            and isinstance(payload.get("c"), str) and isinstance(payload.get("u"), str)):
        raise links.BadLink(_("This link is not valid."))
    return payload["i"], payload["c"], payload["u"]


def _minutes_until(moment, now):
    return max(1, math.ceil((moment - now).total_seconds() / 60))


def _locked_code(site, email, now):
    """The address's live code that took too many wrong guesses, if any."""
    return db.session.scalar(
        select(SignInCode).where(
            SignInCode.site_id == site.id, SignInCode.email == email,
            SignInCode.used_at.is_(None), SignInCode.expires_at > now,
            SignInCode.attempts >= _config("SIGN_IN_CODE_ATTEMPTS"))
        .order_by(SignInCode.expires_at.desc()).limit(1))


def _wait_message(locked, now):
    minutes = _minutes_until(locked.expires_at, now)
    return ngettext("Too many wrong codes. Please wait %(num)s minute, then ask for a new code.",
                    "Too many wrong codes. Please wait %(num)s minutes, then ask for a new code.",
                    minutes)


def send_code(site, email, display_name, network_hash, article_url):
    """Mail a new code (and link) to the address; the row and the mail are one
    transaction. Returns SentCode; raises CodeRefused (nothing written)."""
    now = utcnow()
    name = clean_display_name(display_name)  # raises UnusableName, a ValueError
    since = now - LIMIT_WINDOW
    asked_for_address = db.session.scalar(select(func.count()).select_from(SignInCode).where(
        SignInCode.site_id == site.id, SignInCode.email == email, SignInCode.created_at > since))
    if asked_for_address >= _config("SIGN_IN_CODES_PER_ADDRESS"):
        raise CodeRefused(_("Several codes were sent to this address in the last hour. "
                            "Please use the newest one, or try again later."), "email")
    if network_hash:
        asked_from_network = db.session.scalar(select(func.count()).select_from(SignInCode).where(
            SignInCode.ip_hash == network_hash, SignInCode.created_at > since))
        if asked_from_network >= _config("SIGN_IN_CODES_PER_NETWORK"):
            raise CodeRefused(_("Too many sign-in codes were asked for from your network. "
                                "Please try again later."))
    locked = _locked_code(site, email, now)
    if locked is not None:
        raise CodeRefused(_wait_message(locked, now), "email")
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    lifetime = timedelta(seconds=_config("SIGN_IN_CODE_LIFETIME"))
    row = SignInCode(site_id=site.id, email=email, display_name=name,
                     code_hash=code_hash(site.id, email, code), ip_hash=network_hash,
                     created_at=now, expires_at=now + lifetime)
    db.session.add(row)
    db.session.flush()  # the id, for the link
    url = links.external_url("email_sign_in.link_page", token=link_token(row, code, article_url))
    minutes = int(lifetime.total_seconds() // 60)
    enqueue("sign-in", email, _("Your sign-in code for %(site)s: %(code)s", site=site.name, code=code),
            render_template("mail/sign_in_code.txt", code=code, link=url, minutes=minutes,
                            site=site))
    db.session.commit()
    return SentCode(row, code)


def _recent_codes(site, email, now):
    return db.session.scalars(select(SignInCode).where(
        SignInCode.site_id == site.id, SignInCode.email == email,
        SignInCode.created_at > now - LIMIT_WINDOW - timedelta(seconds=_config("SIGN_IN_CODE_LIFETIME")),
    ).order_by(SignInCode.id.desc())).all()


def _matching(rows, site, email, code):
    typed = code_hash(site.id, email, code)
    return next((row for row in rows if hmac.compare_digest(row.code_hash, typed)), None)


def check_code(site, email, code):
    """The live code row the typed code matches; a wrong code counts against the
    address's newest live code. Raises CodeRefused (field "code")."""
    now = utcnow()
    code = "".join((code or "").split())
    rows = _recent_codes(site, email, now)
    live = [row for row in rows if row.used_at is None and row.expires_at > now]
    locked = _locked_code(site, email, now)
    if locked is not None:
        raise CodeRefused(_wait_message(locked, now), "code")
    if not (len(code) == CODE_DIGITS and code.isascii() and code.isdigit()):
        raise CodeRefused(_("Please enter the 6-digit code from the email."), "code")
    match = _matching(rows, site, email, code)
    if match is not None and match.used_at is not None:
        raise CodeRefused(_("This code was already used. Please ask for a new one."), "code")
    if match is not None and match.expires_at <= now:
        raise CodeRefused(_("This code has expired. Please ask for a new one."), "code")
    if match is not None:
        return match
    if not live:
        raise CodeRefused(_("This code is not right, or it has expired. Please ask for a new one."),
                          "code")
    newest = live[0]
    newest.attempts += 1
    db.session.commit()
    if newest.attempts >= _config("SIGN_IN_CODE_ATTEMPTS"):
        raise CodeRefused(_wait_message(newest, now), "code")
    raise CodeRefused(_("This code is not right. Please check the email and try again."), "code")


def redeem(site, row, new_name=None, replaced_token=None):
    """Sign in with a checked code: the email identity's account (made with the name the
    reader chose, unless it looks like a member's), the code used up, a new session; one
    transaction. Returns (account, commenter token); raises CodeRefused (field "name",
    the code still good) or accounts.AccountBanned (nothing written)."""
    existing = db.session.scalar(select(AccountIdentity.id).where(
        AccountIdentity.site_id == site.id, AccountIdentity.provider == PROVIDER,
        AccountIdentity.subject == row.email))
    name = row.display_name
    if existing is None:
        # The address is proven now: telling its owner that the name is taken says
        # nothing about anyone else's account.
        try:
            name = clean_display_name(new_name) if new_name is not None else name
        except UnusableName as unusable:
            raise CodeRefused(str(unusable), "name") from None
        if is_member_name(site, name):
            raise CodeRefused(_("This name belongs to a signed-in member of this site. "
                                "Please choose another name."), "name")
    used = db.session.execute(update(SignInCode).where(
        SignInCode.id == row.id, SignInCode.used_at.is_(None)).values(used_at=utcnow())).rowcount
    if used != 1:  # the same code entered twice at once: only one sign-in
        db.session.rollback()
        raise CodeRefused(_("This code was already used. Please ask for a new one."), "code")
    return sign_in_identity(site, PROVIDER, row.email, display_name=name, email=row.email,
                            email_verified=True, method=PROVIDER,
                            replaced_token=replaced_token)


def code_by_link(site, code_id, code):
    """The live code row a mailed link names, checked like a typed code (without
    counting attempts: the link is signed). Raises CodeRefused."""
    row = db.session.get(SignInCode, code_id)
    if row is None or row.site_id != site.id or not hmac.compare_digest(
            row.code_hash, code_hash(site.id, row.email, code)):
        raise CodeRefused(_("This link is not valid."))
    if row.used_at is not None:
        raise CodeRefused(_("This link was already used. Please ask for a new code."))
    if row.expires_at <= utcnow():
        raise CodeRefused(_("This sign-in link has expired. Please ask for a new code."))
    return row
