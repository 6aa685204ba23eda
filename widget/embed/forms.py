"""The reply form, protected by a signed per-form token instead of the session cookie.

Inside a cross-site iframe the browser may keep no cookie at all, so flask-wtf's
session-bound CSRF token cannot work there. The token here is signed with the app's
secret and binds the form to its site, its article URL and the time it was rendered;
the view also checks the request's Origin (see views.check_origin).
"""

import hashlib
import re
import secrets
import unicodedata
from datetime import UTC, datetime

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.csrf.core import CSRF
from wtforms.validators import DataRequired, Email, Length, Optional, StopValidation

from ..i18n import count_text, wtforms_translations
from ..routing import MAX_ID
from ..websites import website_problem, without_credentials
from ..xmltext import XML_FORBIDDEN_NONCHARACTERS

FORM_TOKEN_SALT = "widget.comment-form"
PARENT_ID = re.compile(r"[0-9]{1,10}")
# Bidirectional overrides and isolates: they let a name or address display as
# something else than what it is ("Trojan Source"-style spoofing).
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
KEPT_CONTROLS = set("\n\t")


def comment_too_long(length, limit):
    """The refusal of a comment `length` characters long (form, preview and API)."""
    return count_text("Your comment is %(num)s character long; the limit is %(limit)s.",
                      "Your comment is %(num)s characters long; the limit is %(limit)s.",
                      length, limit=format_number(limit))


def is_forbidden_character(char):
    """Control characters, lone surrogates, U+FFFE/U+FFFF (which XML forbids, so they
    would break the feeds) and bidi overrides: never part of a name."""
    return (unicodedata.category(char) in ("Cc", "Cs") or char in BIDI_CONTROLS
            or char in XML_FORBIDDEN_NONCHARACTERS)


def clean_comment_text(text):
    """Line breaks as \\n; other control characters (NUL, escape codes, …) and U+FFFE/
    U+FFFF dropped, as they are invisible, PostgreSQL refuses NUL in text and XML (the
    feeds) refuses them all."""
    if not text:
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in text
                   if char in KEPT_CONTROLS or (unicodedata.category(char) not in ("Cc", "Cs")
                                                and char not in XML_FORBIDDEN_NONCHARACTERS))


def clean_title(title, max_length=300):
    """An article title from the query string: one line of visible text."""
    visible = "".join(" " if is_forbidden_character(char) else char for char in title or "")
    return " ".join(visible.split())[:max_length]


def strip_whitespace(value):
    return value.strip() if isinstance(value, str) else value


def no_control_characters(form, field):
    if field.data and any(is_forbidden_character(char) for char in field.data):
        raise ValidationError(_("Please remove the control characters from this field."))


def valid_website(form, field):
    problem = website_problem(field.data)
    if problem:
        raise ValidationError(problem)


def one_message(*validators):
    """Run the validators in order and stop at the first that fails, so that a field
    shows one message, not one per check its value fails."""

    def first_failure(form, field):
        for validator in validators:
            try:
                validator(form, field)
            except ValidationError as error:
                raise StopValidation(str(error)) from None

    return first_failure


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=FORM_TOKEN_SALT)


def fresh_form_token(thread_binding, shared=False):
    """A signed token for one form of one thread, with a nonce of its own. A shared one
    (in a page a shared cache may give every reader) is marked: a comment is never posted
    with it (see posting.py), so two readers' posts never share a nonce."""
    payload = {"t": thread_binding, "n": secrets.token_urlsafe(12)}
    if shared:
        payload["s"] = 1
    return _serializer().dumps(payload)


class ThreadFormToken(CSRF):
    """WTForms CSRF implementation: the token names the thread it was made for."""

    def setup_form(self, form):
        self.thread_binding = form.meta.csrf_context
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return fresh_form_token(self.thread_binding)

    def validate_csrf_token(self, form, field):
        try:
            payload, issued_at = _serializer().loads(
                field.data or "", max_age=current_app.config["COMMENT_FORM_MAX_AGE"],
                return_timestamp=True,
            )
        except SignatureExpired as expired:
            # A shared page's token may be as old as the cached copy: a comment sent with
            # it only leads to a fresh one (posting.py), a like counts per visitor.
            payload = _serializer().load_payload(expired.payload)
            if not (isinstance(payload, dict) and payload.get("s")):
                raise ValidationError(_(
                    "This form has expired. Copy your comment, reload the page and post again."
                )) from None
            issued_at = expired.date_signed
        except BadSignature:
            raise ValidationError(
                _("This form could not be verified. Reload the page and post again.")
            ) from None
        if payload.get("t") != self.thread_binding:
            raise ValidationError(_("This form belongs to another thread. Reload the page."))
        # For the guard (minimum time to submit) and for one-submit-one-comment.
        form.token_nonce = payload.get("n")
        form.token_issued_at = issued_at
        form.token_shared = bool(payload.get("s"))


class ThreadForm(FlaskForm):
    """A form of the thread page: bound to its thread by the signed token."""

    class Meta:
        csrf_class = ThreadFormToken

        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations()


class CommentForm(ThreadForm):
    # Labels and messages are lazy: they are translated when shown, in the reader's language.
    name = StringField(
        _l("Name"), filters=[strip_whitespace],
        validators=[DataRequired(_l("Please enter your name.")), Length(max=100),
                    no_control_characters],
    )
    email = EmailField(
        _l("Email (optional)"), filters=[strip_whitespace],
        validators=[Optional(), Length(max=254), Email(_l("Please enter a valid email address."))],
    )
    website = URLField(
        _l("Website (optional)"), filters=[strip_whitespace, without_credentials],
        description=_l("A user name or password in the address is not kept."),
        validators=[Optional(), one_message(Length(max=500), no_control_characters,
                                            valid_website)],
    )
    text = TextAreaField(_l("Comment"), filters=[clean_comment_text],
                         validators=[DataRequired(_l("Please write a comment."))])
    parent = HiddenField()
    notify = BooleanField(_l("Email me replies"))
    # The honeypot: hidden from people (and screen readers) by the page, so only a bot
    # that fills in every field it finds puts anything here.
    subject = StringField(_l("Leave this field empty"))

    token_nonce = None
    token_issued_at = None
    token_shared = False

    def __init__(self, *args, thread_binding, max_length, signed_in=False, **kwargs):
        super().__init__(*args, meta={"csrf_context": thread_binding}, **kwargs)
        self.max_length = max_length
        self.thread_binding = thread_binding
        self.signed_in = signed_in
        if signed_in:  # the account says who is writing: what the fields say is ignored
            for field in (self.name, self.email, self.website):
                field.validators = [Optional()]
                field.data = field.data if isinstance(field.data, str) else ""

    def validate_text(self, field):
        if len(field.data) > self.max_length:
            raise ValidationError(comment_too_long(len(field.data), self.max_length))

    def validate_notify(self, field):
        if field.data and not self.signed_in and not (self.email.data or "").strip():
            raise ValidationError(_("Enter your email address to get replies by email."))

    def validate_parent(self, field):
        if field.data and self.parent_id is None:
            raise ValidationError(_("The comment you are replying to does not exist."))

    @property
    def parent_id(self):
        """The comment replied to, as a number that fits the database, else None."""
        raw = self.parent.data or ""
        if PARENT_ID.fullmatch(raw) and 0 < int(raw) <= MAX_ID:
            return int(raw)
        return None

    def form_age(self, now=None):
        """Seconds since this form was rendered (known once validated)."""
        if self.token_issued_at is None:
            return None
        return ((now or datetime.now(UTC)) - self.token_issued_at).total_seconds()

    def submit_key(self):
        """One submit, one comment: the rendered form's nonce with everything sent in it.

        What was sent is part of the key because the inline script reuses one rendered
        form (and its nonce) for every comment and reply it posts from a page; a double
        click or a retried request sends the very same fields.
        """
        if not self.token_nonce:
            return None
        parts = [self.thread_binding, self.token_nonce, str(self.parent_id or ""),
                 self.name.data or "", self.email.data or "", self.website.data or "",
                 str(bool(self.notify.data)), self.text.data or ""]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class EditForm(CommentForm):
    """Editing one's own comment: the text alone, with every check of a new comment,
    inherited from CommentForm so that a check added there covers edits too."""

    name = None
    email = None
    website = None
    parent = None
    notify = None
    subject = None
    edit_token = HiddenField()


class ThreadActionForm(ThreadForm):
    """A small POST button on the thread (delete, like): only the signed thread token."""

    edit_token = HiddenField()

    def __init__(self, *args, thread_binding, **kwargs):
        super().__init__(*args, meta={"csrf_context": thread_binding}, **kwargs)


class LikeForm(ThreadActionForm):
    comment = IntegerField(validators=[DataRequired(_l("Which comment?"))])
    action = RadioField(choices=["like", "unlike", "toggle"], default="toggle",
                        validate_choice=True)
    # thread.js's random per-browser token; without scripts the IP hash stands in.
    visitor = HiddenField(validators=[Optional(), Length(min=16, max=64)])
