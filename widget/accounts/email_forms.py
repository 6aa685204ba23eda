"""The forms of "Sign in with email": ask for a code, enter it (both on the thread, with its
signed form token), and the button behind the mailed link (a first-party page)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..embed.forms import ThreadFormToken, no_control_characters, strip_whitespace
from .names import DISPLAY_NAME_MAX_LENGTH


class ThreadForm(FlaskForm):
    """A form of the thread page: its CSRF token is the thread's signed form token."""

    class Meta:
        csrf_class = ThreadFormToken

    def __init__(self, *args, thread_binding, **kwargs):
        super().__init__(*args, meta={"csrf_context": thread_binding}, **kwargs)


class AskCodeForm(ThreadForm):
    # Ids of their own: the comment form on the same page has "email" and "name".
    email = EmailField(
        _l("Your email address"), id="sign-in-email", filters=[strip_whitespace],
        validators=[DataRequired(_l("Please enter your email address.")), Length(max=254),
                    Email(_l("Please enter a valid email address."))],
    )
    name = StringField(
        _l("Your name (for a new account)"), id="sign-in-name",
        validators=[DataRequired(_l("Please enter a name that people can read.")),
                    Length(max=4 * DISPLAY_NAME_MAX_LENGTH), no_control_characters],
    )


class EnterCodeForm(ThreadForm):
    email = HiddenField(id="sign-in-code-email", filters=[strip_whitespace],
                        validators=[DataRequired(), Length(max=254)])
    code = StringField(
        _l("Code from the email"), id="sign-in-code", filters=[strip_whitespace],
        validators=[DataRequired(_l("Please enter the 6-digit code from the email.")),
                    Length(max=20)],
    )
    # Shown only when the name given for a new account has to change.
    name = StringField(_l("Your name (for a new account)"), id="sign-in-code-name",
                       validators=[Length(max=4 * DISPLAY_NAME_MAX_LENGTH), no_control_characters])


class LinkForm(FlaskForm):
    """The button on the page a mailed link opens: only the session's CSRF token (the
    page is ours, first-party, never framed). A GET only shows it, since mail scanners
    open links; the POST signs in."""
