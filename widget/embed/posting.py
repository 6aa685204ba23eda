"""The reply endpoint: rate limits, form, guard, one transaction; and its retry pages.

When a post cannot be taken now (too many posts, the database down or read-only), the
commenter gets a page that says so and holds their comment in a form, ready to send
again, instead of a bare error that loses what they typed.
"""

from dataclasses import dataclass, field

from flask import current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

from .. import editing, guard
from ..errors import (
    DATABASE_RETRY_AFTER,
    discard_transaction,
    handle_database_error,
    handle_http_error,
    is_database_unavailable,
    log_database_outage,
    render_safely,
    submitted_form,
)
from ..mail.notifications import mail_enabled
from ..privacy import hash_ip
from ..ratelimit import post_limit, post_thread_limit, retry_after_seconds
from ..requestid import request_id
from ..extensions import db
from ..models import Comment
from ..threads import CommentNode, NewComment, PostRefused, find_site, post_comment
from ..urls import InvalidURL, normalize_url, origin_of
from ..accounts.commenting import check_commenter
from ..accounts.sessions import current_viewer
from .forms import CommentForm, clean_title
from .own import own_token
from .preview_views import confirm_page
from .views import (
    ThreadRequest,
    _refused,
    _remember_edit_token,
    _remember_own,
    _wants_json,
    bp,
    check_origin,
    thread_page_policy,
)

HELD_MESSAGE = _l("Your comment is awaiting moderation.")
UNAVAILABLE_MESSAGE = _l("Your comment could not be saved just now: the comment service is "
                         "having trouble. It is still in the form below; please try again "
                         "in a minute.")


@bp.post("/t/<site_key>")
@post_limit
@post_thread_limit
def post(site_key):
    target = ThreadRequest(site_key)
    check_origin(target.site)
    viewer = current_viewer(target.site)
    form = target.form(signed_in=viewer is not None)
    reply_to = form.parent_id
    if not form.validate():
        return _refused(target, form, reply_to, form.errors)
    if form.token_shared:  # a shared cache's page: confirm with a token of one's own
        return confirm_page(target, form, reply_to)
    new = NewComment(
        author=form.name.data,
        email=form.email.data or None,
        website=form.website.data or None,
        text=form.text.data,
        parent_id=reply_to,
        ip_hash=hash_ip(request.remote_addr),
        submit_key=form.submit_key(),
        notify_replies=bool(form.notify.data) and mail_enabled(),
    )
    try:
        check_commenter(target.site, viewer, new)
        comment = post_comment(
            target.site, target.url, target.title, new, thread=target.thread,
            max_depth=current_app.config["MAX_DEPTH"],
            judge=guard.reviewer(current_app.config, target.site, target.url, _post_context(form)),
        )
    except PostRefused as refusal:
        return _refused(target, form, reply_to, {refusal.field or "form": [refusal.message]},
                        refusal.status)
    return _posted(target, comment)


def _post_context(form):
    return guard.PostContext(
        ip=request.remote_addr,
        user_agent=request.user_agent.string,
        referrer=request.referrer,
        form_age=form.form_age(),
        honeypot=form.subject.data or "",
    )


def _posted(target, comment):
    """The same answer for a new comment and for a repeat of the submit that made it;
    a comment held as spam looks exactly like one awaiting moderation."""
    _remember_own(comment.id)
    target.own_token = own_token(target.site, [*target.own_ids, comment.id])
    edit_token = _remember_edit_token(comment)
    held = comment.status.value in ("pending", "spam")
    if _wants_json():
        html = render_template("embed/_posted.html", node=CommentNode(comment), target=target,
                               **placed_at(comment))
        body = {"id": comment.id, "status": "pending" if held else comment.status.value,
                "html": html, "own": target.own_token, "edit_token": edit_token,
                "editable_until": editing.editable_until(comment).isoformat() + "Z"}
        if held:
            body["message"] = str(HELD_MESSAGE)
        return jsonify(body), 201
    return redirect(target.page_url(comment.id), code=303)


def placed_at(comment, enough=5):
    """The comment's parent (as a node) and nesting level, counted up to `enough`, so a
    reply posted inline past the indentation cap names its parent as on a fresh page."""
    parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
    level, above = 0, parent
    while above is not None and level < enough:
        level += 1
        above = db.session.get(Comment, above.parent_id) if above.parent_id else None
    return {"parent": CommentNode(parent) if parent else None, "level": level}


@dataclass
class SiteRef:
    key: str
    allowed_origins: list[str] = field(default_factory=list)


CARRIED_ARGS = ("url", "title", "origin", "theme", "lang", "own")


@dataclass
class RetryTarget:
    """What the form macro needs to post back to a thread, known without the database."""

    site: SiteRef
    url: str
    title: str

    @property
    def binding(self):
        return f"{self.site.key} {self.url}"

    @property
    def carried_args(self):
        """The page options as the request gave them; the thread page checks them again."""
        return {name: request.args[name] for name in CARRIED_ARGS if request.args.get(name)}


@bp.errorhandler(TooManyRequests)
@render_safely
def too_many_posts(error):
    if request.endpoint != "embed.post" or _wants_json():
        return handle_http_error(error)
    wait = retry_after_seconds()
    reason = str(error.description)
    message = ngettext("%(reason)s Please wait %(num)s second and send your comment again.",
                       "%(reason)s Please wait %(num)s seconds and send your comment again.",
                       wait, reason=reason) if wait else reason
    response = _retry_page(429, _("Too many comments"), message, site_known=True)
    return response or handle_http_error(error)


@bp.errorhandler(DBAPIError)
@render_safely
def database_error(error):
    if request.endpoint != "embed.post" or not is_database_unavailable(error):
        return handle_database_error(error)
    discard_transaction()
    log_database_outage(error)
    if _wants_json():
        # The script keeps the text in its form; say that nothing was saved, not the
        # generic "nothing you sent was lost".
        response = handle_http_error(ServiceUnavailable(UNAVAILABLE_MESSAGE))
        response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
        return response
    response = _retry_page(503, _("Comment not saved yet"), str(UNAVAILABLE_MESSAGE), site_known=False,
                           reference=request_id())
    if response is None:
        return handle_http_error(ServiceUnavailable(UNAVAILABLE_MESSAGE))
    response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def _retry_page(status, title, message, site_known, reference=None):
    """The typed comment in a fresh form (new token) with a message, or None when the
    request does not name a thread. The comment is kept when the body is a form that is
    safe to read (see errors.submitted_form); otherwise the form comes back empty."""
    site_key = (request.view_args or {}).get("site_key", "")
    try:
        url = normalize_url(request.args.get("url", ""))
    except InvalidURL:
        return None
    site = find_site(site_key) if site_known else None
    target = RetryTarget(SiteRef(site_key, site.allowed_origins if site else []), url,
                         clean_title(request.args.get("title", "")))
    form = CommentForm(formdata=submitted_form(), thread_binding=target.binding,
                       max_length=current_app.config["COMMENT_MAX_LENGTH"])
    form.subject.data = ""
    response = current_app.make_response((render_template(
        "embed/retry.html", title=title, message=message, form=form, target=target,
        reference=reference,
    ), status))
    # Shown inside the site's iframe; without the database, trust the article's origin.
    response.headers["Content-Security-Policy"] = thread_page_policy(
        site or SiteRef(site_key, [origin_of(url)])
    )
    return response
