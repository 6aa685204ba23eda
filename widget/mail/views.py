"""Pages behind the links in emails. A GET only shows what will happen; a POST does it."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..extensions import db
from ..i18n import status_name
from ..models import Comment
from . import links, notifications
from .moderation import moderate

bp = Blueprint("mail", __name__, url_prefix="/mail")


class ConfirmForm(FlaskForm):
    """Only the session CSRF token: these pages are ours, first-party, never framed."""


def _thread_of(comment_id):
    """The thread a mail was about (its page names the site and the article), or None."""
    comment = db.session.get(Comment, comment_id) if comment_id is not None else None
    return comment.thread if comment is not None else None


def _load(loader, token):
    try:
        return loader(token)
    except links.BadLink as error:
        abort(400, description=str(error))


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    email, comment_id = _load(links.load_confirm_link, token)
    thread = _thread_of(comment_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        notifications.confirm(email)
        return render_template("mail/done.html", title=_("Address confirmed"), message=_(
            "Replies to your comments will be emailed to %(email)s. "
            "Every email has a link to stop them.", email=email), thread=thread)
    return render_template("mail/confirm.html", form=form, email=email, thread=thread)


@bp.get("/unsubscribe/<token>")
def unsubscribe(token):
    email, comment_id = _load(links.load_unsubscribe_link, token)
    return render_template("mail/unsubscribe.html", email=email, thread=_thread_of(comment_id))


@bp.post("/unsubscribe/<token>")
def one_click_unsubscribe(token):
    """The button on the page above, and mail clients' List-Unsubscribe-Post."""
    email, comment_id = _load(links.load_unsubscribe_link, token)
    notifications.unsubscribe(email)
    return render_template("mail/done.html", title=_("Unsubscribed"), message=_(
        "No more reply notifications will be sent to %(email)s.", email=email),
        thread=_thread_of(comment_id))


@bp.route("/moderate/<token>", methods=["GET", "POST"])
def moderate_comment(token):
    payload = _load(links.load_moderate_token, token)
    comment = db.session.get(Comment, payload["c"])
    if comment is None:
        abort(404, description=_("This comment no longer exists."))
    action = payload["a"]
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        done = moderate(comment, action, payload.get("m"))
        if not done:
            return render_template("mail/done.html", title=_("Already handled"), message=_(
                "This comment is already %(status)s.", status=status_name(comment.status)),
                thread=comment.thread, moderator=True)
        if action == "approve":
            title = _("Comment approved")
            message = _("The comment by %(author)s was approved.", author=comment.author)
        else:
            title = _("Comment deleted")
            message = _("The comment by %(author)s was deleted.", author=comment.author)
        return render_template("mail/done.html", title=title, message=message,
                               thread=comment.thread, moderator=True)
    return render_template("mail/moderate.html", form=form, comment=comment, action=action,
                           thread=comment.thread)
