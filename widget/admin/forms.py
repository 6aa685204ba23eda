"""Dashboard forms; CSRFProtect and these FlaskForms check the session's CSRF token."""

import os

from flask import current_app
from flask_babel import format_decimal, format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
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
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.providers import configured_providers
from ..css_sanitizer import sanitize_css
from ..i18n import available_languages, count_text, language_name
from ..models import Commenters, CommentStatus, ModerationMode
from ..sites import parse_origins
from ..theme import custom_css_too_long
from ..urls import InvalidURL
from .bans import BanTargetError, parse_target
from .moderation import ACTION_STATUS

MODERATION_CHOICES = [
    SelectChoice(ModerationMode.NONE.value, _l("None: publish every comment at once")),
    SelectChoice(ModerationMode.FIRST.value, _l("First-time commenters wait for approval")),
    SelectChoice(ModerationMode.TRUSTED.value,
                 _l("Approve signed-in commenters with enough approved comments; "
                    "everyone else waits")),
    SelectChoice(ModerationMode.ALL.value, _l("Every comment waits for approval")),
]
COMMENTERS_CHOICES = [
    SelectChoice(Commenters.ANYONE.value, _l("Anyone")),
    SelectChoice(Commenters.SIGNED_IN.value, _l("Signed-in commenters only")),
]
MAX_TRUSTED_AFTER = 10_000
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

IMPORT_FORMAT_CHOICES = [
    SelectChoice("disqus", _l("Disqus XML export")),
    SelectChoice("wordpress", _l("WordPress export (WXR)")),
    SelectChoice("isso", _l("Isso database (its SQLite file)")),
    SelectChoice("json", _l("JSON export of this service")),
]


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address.")),
                                            Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    next = HiddenField()


class WholeNumberField(IntegerField):
    """A number input whose bad values ("2.5", "-1", "lots") leave data None, so that the
    form's own validator says what is expected (the typed text is shown again)."""

    def process_formdata(self, valuelist):
        if valuelist:
            raw = valuelist[0].strip()
            self.data = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


class SiteForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the site a name.")),
                                           Length(max=200)])
    origins = TextAreaField(
        _l("Allowed origins"),
        description=_l("One per line, e.g. https://blog.example.com — the thread may be "
                       "embedded only on pages from these origins."),
        validators=[DataRequired(_l("Add at least one origin, e.g. https://blog.example.com."))],
    )
    commenters = SelectField(
        _l("Who may comment"), choices=COMMENTERS_CHOICES,
        description=_l("Signed-in commenters come through your site's own accounts (SSO, "
                       "below) or an emailed code."),
    )
    moderation = SelectField(_l("Moderation"), choices=MODERATION_CHOICES)
    trusted_after = WholeNumberField(
        _l("Approved comments that make a signed-in commenter trusted"),
        description=_l("With “Approve signed-in commenters…”: a member with at least this "
                       "many approved comments is published at once (0: every member)."),
    )
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

    login_providers = SelectMultipleField(
        _l("Sign-in providers"), option_widget=CheckboxInput(), widget=ListWidget(),
        description=_l("Readers may sign in with these (set up in WIDGET_LOGIN_PROVIDERS); "
                       "their comments show as verified."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.login_providers.choices = [
            SelectChoice(provider.name, provider.title)
            for provider in configured_providers().values()]
        self.default_language.choices = [SelectChoice("", _("Each reader's browser"))] + [
            SelectChoice(code, language_name(code)) for code in available_languages()]
        self.max_comment_length.description = count_text(
            "Leave empty for the service's limit (%(num)s character).",
            "Leave empty for the service's limit (%(num)s characters).",
            current_app.config["COMMENT_MAX_LENGTH"])

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
            raise ValidationError(custom_css_too_long(limit))
        self.sanitized_css = sanitize_css(field.data or "")

    def validate_trusted_after(self, field):
        typed = (field.raw_data or [""])[0].strip()
        if field.data is None and not typed and self.moderation.data != ModerationMode.TRUSTED:
            return  # not used by the chosen moderation: the stored number is kept
        if field.data is None or not 0 <= field.data <= MAX_TRUSTED_AFTER:
            raise ValidationError(_("Enter a whole number from 0 to %(limit)s.",
                                    limit=format_number(MAX_TRUSTED_AFTER)))

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
            raise ValidationError(count_text(
                "The text is %(num)s character long; this site's limit is %(limit)s.",
                "The text is %(num)s characters long; this site's limit is %(limit)s.",
                len(field.data), limit=format_number(self.max_length)))


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


def megabytes(size):
    """A byte count as the MB (10⁶ bytes) a file manager shows, in the page's language."""
    return format_decimal(round(size / 1_000_000, 1))


class ImportForm(FlaskForm):
    """A file exported from another comment system (or from us) to import into `site`."""

    format = SelectField(_l("Format"), choices=IMPORT_FORMAT_CHOICES, default="disqus")
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose the file to import."))])
    # Isso keeps each thread's path only; rendered when the site has several origins.
    base_url = SelectField(_l("Origin of the Isso paths"), validate_choice=False,
                           description=_l("Isso keeps only the path of each article: the "
                                          "threads are joined to this origin."))

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.origins = list(site.allowed_origins)
        self.base_url.choices = self.origins
        limit = megabytes(current_app.config["IMPORT_MAX_BYTES"])
        self.file.description = _(
            "At most %(size)s MB; a larger file can be imported with the command line "
            "(see “Import and export” in the README). Importing a file again adds nothing twice.",
            size=limit)
        self.too_large_message = _(
            "This file is larger than the %(size)s MB an upload may be. Import it with the "
            "command line instead (see “Import and export” in the README).", size=limit)

    @property
    def asks_for_origin(self):
        return len(self.origins) > 1

    @property
    def isso_base_url(self):
        """The origin Isso's paths are joined to: the chosen one, else the site's only one."""
        return self.base_url.data if self.asks_for_origin else None

    def validate_format(self, field):
        if field.data == "isso" and not self.origins:
            raise ValidationError(_("Isso keeps only paths: add the origin of the blog to "
                                    "this site's allowed origins first."))

    def validate_file(self, field):
        stream = field.data.stream
        size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        if size == 0:
            raise ValidationError(_("The file is empty."))

    def validate_base_url(self, field):
        if self.asks_for_origin and field.data not in self.origins:
            raise ValidationError(_("Choose one of the site's origins."))
