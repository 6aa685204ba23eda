"""Dashboard forms; CSRFProtect and these FlaskForms check the session's CSRF token."""

from flask import current_app
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

from ..models import CommentStatus, ModerationMode
from ..sites import parse_origins
from ..urls import InvalidURL
from .bans import BanTargetError, parse_target
from .moderation import ACTION_STATUS

MODERATION_CHOICES = [
    SelectChoice(ModerationMode.NONE.value, "None: publish every comment at once"),
    SelectChoice(ModerationMode.FIRST.value, "First-time commenters wait for approval"),
    SelectChoice(ModerationMode.ALL.value, "Every comment waits for approval"),
]
STATUS_CHOICES = [
    SelectChoice("pending", "Awaiting moderation"),
    SelectChoice("approved", "Published"),
    SelectChoice("spam", "Spam"),
    SelectChoice("deleted", "Deleted"),
    SelectChoice("all", "Any status"),
]
BULK_CHOICES = [
    SelectChoice("approve", "Approve"),
    SelectChoice("delete", "Delete"),
    SelectChoice("spam", "Mark as spam"),
    SelectChoice("restore", "Restore"),
]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."),
                                            Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    next = HiddenField()


class SiteForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the site a name."),
                                           Length(max=200)])
    origins = TextAreaField(
        "Allowed origins",
        description="One per line, e.g. https://blog.example.com — the thread may be "
                    "embedded only on pages from these origins.",
        validators=[DataRequired("Add at least one origin, e.g. https://blog.example.com.")],
    )
    moderation = SelectField("Moderation", choices=MODERATION_CHOICES)
    comments_open = BooleanField(
        "Accept new comments",
        description="Untick to close every thread of this site: they still show, "
                    "without the form.",
    )
    likes_enabled = BooleanField("Show like buttons")
    max_comment_length = IntegerField(
        "Maximum comment length (characters)",
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_comment_length.description = (
            f"Leave empty for the service's limit "
            f"({current_app.config['COMMENT_MAX_LENGTH']:,} characters)."
        )

    def validate_origins(self, field):
        lines = [line.strip() for line in field.data.splitlines() if line.strip()]
        try:
            self.parsed_origins = parse_origins(lines)
        except InvalidURL as error:
            raise ValidationError(str(error)) from None
        if not self.parsed_origins:
            raise ValidationError("Add at least one origin, e.g. https://blog.example.com.")

    def validate_max_comment_length(self, field):
        service_limit = current_app.config["COMMENT_MAX_LENGTH"]
        in_range = NumberRange(
            1, service_limit, f"Enter a number from 1 to {service_limit:,} (the service's limit).")
        in_range(self, field)


class CommentEditForm(FlaskForm):
    text = TextAreaField("Comment text (Markdown)",
                         validators=[DataRequired("A comment cannot be empty.")])

    def __init__(self, *args, max_length, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length

    def validate_text(self, field):
        if len(field.data) > self.max_length:
            raise ValidationError(f"The text is {len(field.data):,} characters long; "
                                  f"this site's limit is {self.max_length:,}.")


class ActionForm(FlaskForm):
    """One moderation button: a tiny POST form."""

    action = HiddenField(validators=[AnyOf(list(ACTION_STATUS), "Unknown action.")])
    next = HiddenField()


class BulkForm(FlaskForm):
    action = SelectField("With the selected comments", choices=BULK_CHOICES)
    ids = SelectMultipleField(coerce=int, validate_choice=False,
                              validators=[DataRequired("Select at least one comment first.")])
    next = HiddenField()


class ThreadStateForm(FlaskForm):
    state = HiddenField(validators=[AnyOf(["closed", "open"], "Unknown thread state.")])
    next = HiddenField()


class BanForm(FlaskForm):
    target = StringField(
        "Email, IP address or IP hash",
        validators=[DataRequired("Enter who to ban."), Length(max=254)],
    )
    site = SelectField("Where", coerce=str)
    reason = StringField("Reason (only admins see it)", validators=[Length(max=500)])

    def validate_target(self, field):
        try:
            self.kind, self.value = parse_target(field.data)
        except BanTargetError as error:
            raise ValidationError(str(error)) from None


class QueueFilterForm(FlaskForm):
    """The queue's filters, read from the query string (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    site = SelectField("Site", coerce=str, validate_choice=False)
    status = SelectField("Status", choices=STATUS_CHOICES, default="pending")
    thread = HiddenField()
    q = SearchField("Search", description="Text, author, email, website or IP hash",
                    validators=[Length(max=200)])

    @property
    def status_value(self):
        return None if self.status.data == "all" else CommentStatus(self.status.data)
