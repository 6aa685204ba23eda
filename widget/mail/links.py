"""Signed links in emails: confirm an address, unsubscribe, moderate a comment.

Each kind has its own salt, so a link of one kind never works as another.
"""

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from ..sites import public_url

CONFIRM_SALT = "widget.mail-confirm"
UNSUBSCRIBE_SALT = "widget.mail-unsubscribe"
MODERATE_SALT = "widget.mail-moderate"
MODERATION_ACTIONS = ("approve", "delete")


class BadLink(Exception):
    """The link is forged, damaged or too old; the message says so to the reader."""


def external_url(endpoint, **values):
    """An absolute URL for a mail: WIDGET_PUBLIC_URL (or the request's host) + the path."""
    if has_request_context():
        return public_url() + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def _timed(salt):
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


def _load_timed(salt, token):
    try:
        return _timed(salt).loads(token, max_age=current_app.config["MAIL_LINK_MAX_AGE"])
    except SignatureExpired:
        raise BadLink(_("This link has expired.")) from None
    except BadSignature:
        raise BadLink(_("This link is not valid. Please copy the whole link from the email.")) from None


def _with_comment(payload, comment_id):
    """The comment the mail is about, so its page can name the site and the article."""
    return {**payload, "c": comment_id} if comment_id is not None else payload


def confirm_token(email, comment_id=None):
    return _timed(CONFIRM_SALT).dumps(_with_comment({"e": email}, comment_id))


def load_confirm_token(token):
    return load_confirm_link(token)[0]


def load_confirm_link(token):
    """(email, the id of the comment it was asked on, or None for older links)."""
    payload = _load_timed(CONFIRM_SALT, token)
    return payload["e"], payload.get("c")


def unsubscribe_token(email, comment_id=None):
    """Never expires: an old email's unsubscribe link must still work."""
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).dumps(
        _with_comment({"e": email}, comment_id))


def load_unsubscribe_token(token):
    return load_unsubscribe_link(token)[0]


def load_unsubscribe_link(token):
    """(email, the id of the comment the mail was about, or None)."""
    try:
        payload = URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise BadLink(_("This link is not valid. Please copy the whole link from the email.")) from None
    return payload["e"], payload.get("c")


def moderate_token(comment, action, moderator):
    return _timed(MODERATE_SALT).dumps({"c": comment.id, "a": action, "m": moderator})


def load_moderate_token(token):
    payload = _load_timed(MODERATE_SALT, token)
    if payload.get("a") not in MODERATION_ACTIONS:
        raise BadLink(_("This link is not valid."))
    return payload
