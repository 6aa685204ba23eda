"""Dashboard forms; CSRFProtect and these FlaskForms check the session's CSRF token."""

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from ..css_sanitizer import sanitize_css
from ..i18n import available_languages, language_name
from ..models import CommentStatus, ModerationMode
from ..sites import parse_origins
from ..urls import InvalidURL
from .bans import BanTargetError, parse_target
from .moderation import ACTION_STATUS

MODERATION_CHOICES = [
    SelectChoice(ModerationMode.NONE.value, _l("None: publish every comment at once")),
    SelectChoice(ModerationMode.FIRST.value, _l("First-time commenters wait for approval")),
    SelectChoice(ModerationMode.ALL.value, _l("Every comment waits for approval")),
]
STATUS_CHOICES = [
    SelectChoice("pending", _l("Awaiting moderation")),
    SelectChoice("approved", _l("Published")),
    SelectChoice("spam", _l("Spam")),
    SelectChoice("deleted", _l("Deleted")),
    SelectChoice("all", _l("Any status")),
]
BULK_CHOICES = [
    SelectChoice("approve", _l("Approve")),
    SelectChoice("delete", _l("Delete")),
    SelectChoice("spam", _l("Mark as spam")),
    SelectChoice("restore", _l("Restore")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                            Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    next = HiddenField()


class SiteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the site a name.")),
                                           Length(max=200)])
    origins = TextAreaField(
        _l("Allowed origins"),
        description=_l("One per line, e.g. https://blog.example.com — the thread may be "
                       "embedded only on pages from these origins."),
        validators=[DataRequired(_l("Add at least one origin, e.g. https://blog.example.com."))],
    )
    moderation = SelectField(_l("Moderation"), choices=MODERATION_CHOICES)
    comments_open = BooleanField(
        _l("Accept new comments"),
        description=_l("Untick to close every thread of this site: they still show, "
                       "without the form."),
    )
    likes_enabled = BooleanField(_l("Show like buttons"))
    max_comment_length = IntegerField(
        _l("Maximum comment length (characters)"),
        validators=[Optional()],
    )
    default_language = SelectField(
        _l("Language of the threads"), default="",
        description=_l("Used when the snippet has no data-lang; otherwise each reader's "
                       "browser decides."),
    )
    custom_css = TextAreaField(
        _l("Custom CSS"),
        description=_l("Served with this site's threads, after ours: override the "
                       "--widget-* properties (see “Theming” in the README). Anything "
                       "unsafe (@import, scripts in url(), expression()) is removed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_language.choices = [SelectChoice("", _("Each reader's browser"))] + [
            SelectChoice(code, language_name(code)) for code in available_languages()]
        self.max_comment_length.description = _(
            "Leave empty for the service's limit (%(limit)s characters).",
            limit=format_number(current_app.config["COMMENT_MAX_LENGTH"]),
        )

    def validate_origins(self, field):
        lines = [line.strip() for line in field.data.splitlines() if line.strip()]
        try:
            self.parsed_origins = parse_origins(lines)
        except InvalidURL as error:
            raise ValidationError(str(error)) from None
        if not self.parsed_origins:
            raise ValidationError(_("Add at least one origin, e.g. https://blog.example.com."))

    def validate_custom_css(self, field):
        limit = current_app.config["CUSTOM_CSS_MAX_LENGTH"]
        if len(field.data or "") > limit:
            raise ValidationError(_("The custom CSS is longer than %(limit)s characters.",
                                    limit=format_number(limit)))
        self.sanitized_css = sanitize_css(field.data or "")

    def validate_max_comment_length(self, field):
        service_limit = current_app.config["COMMENT_MAX_LENGTH"]
        in_range = NumberRange(1, service_limit, _(
            "Enter a number from 1 to %(limit)s (the service's limit).",
            limit=format_number(service_limit)))
        in_range(self, field)


class CommentEditForm(FlaskForm):
    text = TextAreaField(_l("Comment text (Markdown)"),
                         validators=[DataRequired(_l("A comment cannot be empty."))])

    def __init__(self, *args, max_length, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length

    def validate_text(self, field):
        if len(field.data) > self.max_length:
            raise ValidationError(_(
                "The text is %(length)s characters long; this site's limit is %(limit)s.",
                length=format_number(len(field.data)), limit=format_number(self.max_length)))


class ActionForm(FlaskForm):
    """One moderation button: a tiny POST form."""

    action = HiddenField(validators=[AnyOf(list(ACTION_STATUS), _l("Unknown action."))])
    next = HiddenField()


class BulkForm(FlaskForm):
    action = SelectField(_l("With the selected comments"), choices=BULK_CHOICES)
    ids = SelectMultipleField(coerce=int, validate_choice=False,
                              validators=[DataRequired(_l("Select at least one comment first."))])
    next = HiddenField()


class ThreadStateForm(FlaskForm):
    state = HiddenField(validators=[AnyOf(["closed", "open"], _l("Unknown thread state."))])
    next = HiddenField()


class BanForm(FlaskForm):
    target = StringField(
        _l("Email, IP address or IP hash"),
        validators=[DataRequired(_l("Enter who to ban.")), Length(max=254)],
    )
    site = SelectField(_l("Where"), coerce=str)
    reason = StringField(_l("Reason (only admins see it)"), validators=[Length(max=500)])

    def validate_target(self, field):
        try:
            self.kind, self.value = parse_target(field.data)
        except BanTargetError as error:
            raise ValidationError(str(error)) from None


class QueueFilterForm(FlaskForm):
    """The queue's filters, read from the query string (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    site = SelectField(_l("Site"), coerce=str, validate_choice=False)
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="pending")
    thread = HiddenField()
    q = SearchField(_l("Search"), description=_l("Text, author, email, website or IP hash"),
                    validators=[Length(max=200)])

    @property
    def status_value(self):
        return None if self.status.data == "all" else CommentStatus(self.status.data)
