"""The dashboard's webhook forms: add one (URL, events, format), and the tiny POST forms
of Remove and Resend (their CSRF token is all they carry)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField
from wtforms.fields import RadioField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from .models import EVENTS, WebhookFormat
from .rules import URL_MAX_LENGTH

EVENT_LABELS = {
    "comment.created": _l("A new comment is published"),
    "comment.pending": _l("A new comment awaits moderation"),
    "comment.approved": _l("A comment is approved"),
    "comment.deleted": _l("A comment is deleted or marked as spam"),
}
FORMAT_LABELS = {
    WebhookFormat.GENERIC: _l("Generic: signed JSON (see the README)"),
    WebhookFormat.SLACK: _l("Slack incoming webhook"),
    WebhookFormat.DISCORD: _l("Discord webhook"),
}


class WebhookForm(FlaskForm):
    url = StringField(_l("URL"), validators=[
        DataRequired(_l("Enter the URL that should receive the webhook.")),
        Length(max=URL_MAX_LENGTH)],
        description=_l("Where each event is POSTed, e.g. https://example.com/hooks/comments."))
    events = SelectMultipleField(
        _l("Events"), choices=[SelectChoice(event, EVENT_LABELS[event]) for event in EVENTS],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one event."))])
    format = RadioField(
        _l("Format"), default=WebhookFormat.GENERIC.value,
        choices=[SelectChoice(value.value, label) for value, label in FORMAT_LABELS.items()])


class ConfirmForm(FlaskForm):
    """Remove or Resend: a button and the session's CSRF token."""
