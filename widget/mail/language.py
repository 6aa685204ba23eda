"""Which language a mail speaks: its recipient's, never the sender's.

A reply notification speaks the language of the page its recipient asked for them on
(remembered on their comment); a moderation request the language the moderator last
signed in to the dashboard with; else the site's language, else English. The mail's
links carry the language, so the pages they open speak it too."""

from contextlib import contextmanager
from email.utils import formataddr, parseaddr

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, supported_language
from ..models import Admin


def _first_supported(*candidates):
    for candidate in candidates:
        language = supported_language(candidate) if candidate else None
        if language:
            return language
    return DEFAULT_LANGUAGE


def author_language(comment):
    """The language a comment's author reads their notifications in."""
    return _first_supported(comment.language, comment.thread.site.default_language)


def moderator_language(email, site):
    """The language of the moderator at this address."""
    admin = db.session.scalar(select(Admin).where(func.lower(Admin.email) == email.lower()))
    return _first_supported(admin.language if admin else None, site.default_language)


@contextmanager
def speaking(language):
    """Render a mail's subject and body (and its links' pages) in `language`."""
    with force_locale(language):
        yield


def sender_for(site):
    """The From header: the site's name as display name, at the configured address."""
    configured_name, address = parseaddr(current_app.config.get("MAIL_FROM") or "widget@localhost")
    name = " ".join((site.name or configured_name or "").split())[:100]
    return formataddr((name, address)) if name else address
