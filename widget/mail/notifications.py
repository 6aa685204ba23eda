"""Which emails a new or approved comment causes: address confirmation (double opt-in),
reply notifications to confirmed addresses, and moderation requests.

A signed-in commenter whose account has a verified email (an emailed sign-in code, or
the host site vouching for it) already proved the address: no second opt-in.
"""

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..accounts.models import Account
from ..extensions import db
from ..models import Comment, CommentStatus, MailAddress, utcnow
from ..signals import comment_approved, comment_edited, comment_posted
from ..i18n import current_language
from . import links
from .language import author_language, moderator_language, sender_for, speaking
from .outbox import enqueue

CONFIRMATION_RESEND_AFTER = 24 * 3600  # one confirmation mail per address per day at most


def mail_enabled():
    return bool(current_app.config.get("MAIL_SERVER"))


def normalized_email(email):
    return (email or "").strip().lower()


@comment_posted.connect
def on_comment_posted(comment):
    if not mail_enabled():
        return
    if comment.notify_replies:
        comment.language = current_language()  # the page they asked on: their replies' language
    if comment.notify_replies and comment.email and not verified_by_account(comment):
        ask_confirmation(comment.email, comment.thread.site, comment.id)
    if comment.status == CommentStatus.PENDING:
        ask_moderators(comment)
    elif comment.status == CommentStatus.APPROVED:
        notify_parent_author(comment)


@comment_edited.connect
def on_comment_edited(comment):
    """An edit that needs review again is a new request to the moderators."""
    if mail_enabled() and comment.status == CommentStatus.PENDING:
        ask_moderators(comment)


@comment_approved.connect
def on_comment_approved(comment):
    if mail_enabled():
        notify_parent_author(comment)


def find_address(email):
    return db.session.scalar(
        select(MailAddress).where(MailAddress.email == normalized_email(email))
    )


def ask_confirmation(email, site=None, comment_id=None):
    """Send the confirmation link the first time an address asks for notifications
    (in the language of the page the commenter is on: theirs)."""
    address = find_address(email)
    if address is None:
        # Two first requests at once: the second one's commit fails on the unique email,
        # and post_comment's retry then finds this row with its mail already queued.
        address = MailAddress(email=normalized_email(email))
        db.session.add(address)
    if address.confirmed_at is not None:
        return
    sent_at = address.confirmation_sent_at
    if sent_at and (utcnow() - sent_at).total_seconds() < CONFIRMATION_RESEND_AFTER:
        return
    address.confirmation_sent_at = utcnow()
    url = links.external_url("mail.confirm", token=links.confirm_token(address.email, comment_id),
                             lang=current_language())
    enqueue("confirm", address.email, _("Please confirm: email me replies"),
            render_template("mail/confirm.txt", confirm_url=url),
            {"From": sender_for(site)} if site is not None else None)


def is_confirmed(email):
    address = find_address(email)
    return address is not None and address.confirmed_at is not None


def verified_by_account(comment):
    """Whether the comment's address is its signed-in author's verified email."""
    if comment.account_id is None or not comment.email:
        return False
    account = db.session.get(Account, comment.account_id)
    return (account is not None and account.email_verified
            and normalized_email(account.email) == normalized_email(comment.email))


def notify_parent_author(reply):
    if reply.parent_id is None:
        return
    parent = db.session.get(Comment, reply.parent_id)
    if (parent is None or not parent.notify_replies or not parent.email
            or parent.status not in (CommentStatus.APPROVED, CommentStatus.PENDING)
            or normalized_email(parent.email) == normalized_email(reply.email)
            or not (verified_by_account(parent) or is_confirmed(parent.email))):
        return
    thread = reply.thread
    language = author_language(parent)
    unsubscribe_url = links.external_url(
        "mail.unsubscribe", token=links.unsubscribe_token(normalized_email(parent.email), reply.id),
        lang=language,
    )
    with speaking(language):
        subject = _("%(author)s replied to your comment on %(article)s", author=reply.author,
                    article=thread.title or thread.url)[:300]
        body = render_template("mail/reply.txt", reply=reply, parent=parent, thread=thread,
                               reply_url=f"{thread.url}#c-{reply.id}",
                               unsubscribe_url=unsubscribe_url)
    enqueue(
        "reply", parent.email, subject, body,
        {"From": sender_for(thread.site), "List-Unsubscribe": f"<{unsubscribe_url}>",
         "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def moderator_addresses():
    """WIDGET_MODERATOR_EMAILS: a comma-separated string or a list."""
    configured = current_app.config.get("MODERATOR_EMAILS") or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    return [email.strip() for email in configured if email and email.strip()]


def ask_moderators(comment):
    thread = comment.thread
    for moderator in moderator_addresses():
        language = moderator_language(moderator, thread.site)
        approve_url, delete_url = (
            links.external_url("mail.moderate_comment",
                               token=links.moderate_token(comment, action, moderator),
                               lang=language)
            for action in links.MODERATION_ACTIONS
        )
        with speaking(language):
            subject = _("Comment awaiting moderation on %(article)s",
                        article=thread.title or thread.url)[:300]
            body = render_template("mail/moderate.txt", comment=comment, thread=thread,
                                   approve_url=approve_url, delete_url=delete_url)
        enqueue("moderate", moderator, subject, body, {"From": sender_for(thread.site)})


def confirm(email):
    address = find_address(email)
    if address is None:
        address = MailAddress(email=normalized_email(email))
        db.session.add(address)
    address.confirmed_at = address.confirmed_at or utcnow()
    db.session.commit()


def unsubscribe(email):
    """Stop every notification to the address; asking again means confirming again."""
    email = normalized_email(email)
    address = find_address(email)
    if address is not None:
        address.confirmed_at = None
        address.confirmation_sent_at = None
    db.session.execute(update(Comment).where(func.lower(Comment.email) == email)
                       .values(notify_replies=False))
    db.session.commit()
