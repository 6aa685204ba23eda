"""The reply form, protected by a signed per-form token instead of the session cookie.

Inside a cross-site iframe the browser may keep no cookie at all, so flask-wtf's
session-bound CSRF token cannot work there. The token here is signed with the app's
secret and binds the form to its site, its article URL and the time it was rendered;
the view also checks the request's Origin (see views.check_origin).
"""

import secrets

from flask import current_app
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
from wtforms.validators import URL, DataRequired, Email, Length, Optional

FORM_TOKEN_SALT = "widget.comment-form"


def _serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=FORM_TOKEN_SALT)


class ThreadFormToken(CSRF):
    """WTForms CSRF implementation: the token names the thread it was made for."""

    def setup_form(self, form):
        self.thread_binding = form.meta.csrf_context
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return _serializer().dumps({"t": self.thread_binding, "n": secrets.token_urlsafe(12)})

    def validate_csrf_token(self, form, field):
        try:
            payload = _serializer().loads(
                field.data or "", max_age=current_app.config["COMMENT_FORM_MAX_AGE"]
            )
        except SignatureExpired:
            raise ValidationError(
                "This form has expired. Copy your comment, reload the page and post again."
            ) from None
        except BadSignature:
            raise ValidationError(
                "This form could not be verified. Reload the page and post again."
            ) from None
        if payload.get("t") != self.thread_binding:
            raise ValidationError("This form belongs to another thread. Reload the page.")


class CommentForm(FlaskForm):
    class Meta:
        csrf_class = ThreadFormToken

    name = StringField("Name", validators=[DataRequired("Please enter your name."), Length(max=100)])
    email = EmailField(
        "Email (optional)",
        validators=[Optional(), Length(max=254), Email("Please enter a valid email address.")],
    )
    website = URLField(
        "Website (optional)",
        validators=[Optional(), Length(max=500),
                    URL(message="Please enter a web address starting with http:// or https://.")],
    )
    text = TextAreaField("Comment", validators=[DataRequired("Please write a comment.")])
    parent = HiddenField()
    notify = BooleanField("Email me replies")

    def __init__(self, *args, thread_binding, max_length, **kwargs):
        super().__init__(*args, meta={"csrf_context": thread_binding}, **kwargs)
        self.max_length = max_length

    def validate_text(self, field):
        if len(field.data) > self.max_length:
            raise ValidationError(
                f"Your comment is {len(field.data):,} characters long; "
                f"the limit is {self.max_length:,}."
            )

    def validate_website(self, field):
        if field.data and not field.data.lower().startswith(("http://", "https://")):
            raise ValidationError("Please enter a web address starting with http:// or https://.")

    def validate_notify(self, field):
        if field.data and not (self.email.data or "").strip():
            raise ValidationError("Enter your email address to get replies by email.")

    def validate_parent(self, field):
        if field.data and not field.data.isdigit():
            raise ValidationError("The comment you are replying to does not exist.")


class EditForm(CommentForm):
    """Editing one's own comment: the text alone, with every check of a new comment,
    inherited from CommentForm so that a check added there covers edits too."""

    name = None
    email = None
    website = None
    parent = None
    notify = None
    edit_token = HiddenField()


class ThreadActionForm(FlaskForm):
    """A small POST button on the thread (delete, like): only the signed thread token."""

    class Meta:
        csrf_class = ThreadFormToken

    edit_token = HiddenField()

    def __init__(self, *args, thread_binding, **kwargs):
        super().__init__(*args, meta={"csrf_context": thread_binding}, **kwargs)


class LikeForm(ThreadActionForm):
    comment = IntegerField(validators=[DataRequired("Which comment?")])
    action = RadioField(choices=["like", "unlike", "toggle"], default="toggle",
                        validate_choice=True)
    # thread.js's random per-browser token; without scripts the IP hash stands in.
    visitor = HiddenField(validators=[Optional(), Length(min=16, max=64)])
