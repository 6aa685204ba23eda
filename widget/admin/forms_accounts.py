"""Dashboard forms about commenter accounts and a site's SSO secret (CSRF-checked)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import Length

# What a ban does to the account's comments awaiting moderation (the moderation actions).
PENDING_CHOICES = [
    SelectChoice("keep", _l("Leave them in the queue")),
    SelectChoice("spam", _l("Mark them as spam")),
    SelectChoice("delete", _l("Delete them")),
]


class SsoSecretForm(FlaskForm):
    """Make the first SSO secret, or (with the box ticked) rotate it."""

    confirm = BooleanField(_l("Yes, make a new secret: tokens signed with the current one "
                              "stop working after the grace period"))


class AccountBanForm(FlaskForm):
    pending = SelectField(_l("Their comments awaiting moderation"), choices=PENDING_CHOICES,
                          default="keep")
    reason = StringField(_l("Reason (only admins see it)"), validators=[Length(max=500)])
    next = HiddenField()


class AccountUnbanForm(FlaskForm):
    next = HiddenField()
