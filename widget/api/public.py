"""The public API: a thread as the page shows it, posting, editing, deleting, liking and
counts, through the very rules the thread page uses (guard, limits, threads.post_comment).

Cross-site abuse: the API reads no cookie, so a page elsewhere cannot act with a reader's
credentials; still, a browser's POST, PATCH and DELETE must come from one of the site's
own origins (embed.views.check_origin), and a post needs a form token fetched from the
API, bound to the thread and to the time it was made (the guard holds a comment sent
sooner than COMMENT_MIN_SECONDS for moderation, as for the form).
"""

from flask import current_app, request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.datastructures import MultiDict

from .. import editing, guard, likes
from ..accounts.commenting import check_commenter
from ..accounts.sessions import find_viewer
from ..embed.counts import too_many_urls
from ..embed.forms import MAX_ID, EditForm, fresh_form_token
from ..embed.listing import page_bounds
from ..embed.views import ThreadRequest, check_origin
from ..extensions import db
from ..mail.notifications import mail_enabled
from ..models import Comment, CommentStatus
from ..privacy import hash_ip
from ..ratelimit import actions_limit, counts_limit, post_limit, post_thread_limit
from ..sites import comment_max_length
from ..threads import (
    NewComment,
    PostRefused,
    closed_reason,
    count_comments,
    find_site,
    post_comment,
    thread_view,
    walk,
)
from ..urls import InvalidURL, normalize_url
from .blueprint import EDIT_TOKEN_HEADER, public
from .schemas import (
    AccountHeader,
    ArticleQuery,
    CommentSchema,
    CountsQuery,
    CountsSchema,
    DeletedSchema,
    EditedSchema,
    EditSchema,
    ErrorSchema,
    FormTokenSchema,
    LikedSchema,
    LikeSchema,
    NewCommentSchema,
    OwnerHeaders,
    PostedSchema,
    ThreadQuery,
    ThreadSchema,
)

HELD = ("pending", "spam")  # spam looks, to its author, like any comment awaiting moderation
# Form fields by the names the API gives them.
FIELD_NAMES = {"csrf_token": "token", "parent": "parent_id"}
ERRORS = (400, 403, 404, 422, 429)


def _errors(*statuses):
    """Document the refusals an operation may answer with, all in ErrorSchema's shape,
    and name the operation after its view (links in the document refer to it)."""
    def decorate(view):
        for status in statuses:
            view = public.alt_response(status, schema=ErrorSchema)(view)
        return public.doc(operationId=view.__name__)(view)
    return decorate


def _site(site_key):
    site = find_site(site_key)
    if site is None:
        abort(404, message=_("No site is registered with the key “%(key)s”.", key=site_key))
    return site


def _comment_of(site, comment_id):
    comment = db.session.get(Comment, comment_id) if comment_id <= MAX_ID else None
    if comment is None or comment.thread.site_id != site.id:
        abort(404, message=_("This comment does not exist."))
    return comment


def _viewer(site, account_token):
    """The signed-in commenter the X-Widget-Account header names (never a cookie)."""
    return find_viewer(site, account_token)


def _iso(moment):
    return moment.isoformat() + "Z" if moment is not None else None


def comment_fields(comment, depth=0, placeholder=False):
    status = comment.status.value
    return {
        "id": comment.id, "parent_id": comment.parent_id, "depth": depth,
        "status": "pending" if status in HELD else status,
        "author": None if placeholder else comment.author,
        "website": None if placeholder else comment.website,
        "verified": not placeholder and comment.account_id is not None,
        "created_at": _iso(comment.created_at),
        "edited_at": None if placeholder else _iso(comment.edited_at),
        "html": "" if placeholder else comment.html,
        "likes": comment.like_count,
    }


@public.route("/sites/<site_key>/thread")
@public.arguments(ThreadQuery, location="query", as_kwargs=True)
@public.response(200, ThreadSchema)
@_errors(400, 403, 404)
def read_thread(site_key, url, page, sort, own=None):
    """A thread's comments, one page of top-level comments with all their replies.

    The same comments, order and sanitized HTML as the thread page: approved ones,
    "[deleted]" placeholders that still have replies, and (with `own`) the reader's own
    comments awaiting moderation."""
    target = ThreadRequest(site_key)
    view = thread_view(target.thread, target.own_ids, target.sort)
    bounds = page_bounds(view.roots, current_app.config["THREAD_PAGE_SIZE"],
                         current_app.config["THREAD_PAGE_COMMENTS"])
    shown_page = min(target.page, len(bounds))
    comments, depth = [], 0
    for node, opening in walk(view.roots[slice(*bounds[shown_page - 1])]):
        if opening:
            comments.append(comment_fields(node.comment, depth, node.is_placeholder))
        depth += 1 if opening else -1
    return {"url": target.url, "count": view.count, "page": shown_page, "pages": len(bounds),
            "sort": target.sort.value, "comments": comments,
            "closed": closed_reason(target.site, target.thread) is not None}


@public.route("/sites/<site_key>/form-token")
@public.arguments(ArticleQuery, location="query", as_kwargs=True)
@public.response(200, FormTokenSchema)
@_errors(400, 403, 404)
def form_token(site_key, url, title):
    """A token to post one or more comments to this thread with (like the form's)."""
    target = ThreadRequest(site_key)
    return {"token": fresh_form_token(target.binding),
            "min_seconds": int(current_app.config["COMMENT_MIN_SECONDS"])}


@public.route("/sites/<site_key>/comments", methods=["POST"])
@post_limit
@post_thread_limit
@public.arguments(ArticleQuery, location="query", as_kwargs=True)
@public.arguments(NewCommentSchema, as_kwargs=True)
@public.response(201, PostedSchema)
@public.arguments(AccountHeader, location="headers", as_kwargs=True)
@public.doc(responses={201: {"links": {
    "ReadComment": {"operationId": "read_comment", "parameters": {
        "site_key": "$request.path.site_key", "comment_id": "$response.body#/id",
        f"header.{EDIT_TOKEN_HEADER}": "$response.body#/edit_token"}},
    "EditComment": {"operationId": "edit_comment", "parameters": {
        "site_key": "$request.path.site_key", "comment_id": "$response.body#/id",
        f"header.{EDIT_TOKEN_HEADER}": "$response.body#/edit_token"}},
    "DeleteComment": {"operationId": "delete_comment", "parameters": {
        "site_key": "$request.path.site_key", "comment_id": "$response.body#/id",
        f"header.{EDIT_TOKEN_HEADER}": "$response.body#/edit_token"}},
}}})
@_errors(*ERRORS)
def create_comment(site_key, url, title, token, text, name, email, website, parent_id, notify,
                   account_token=None):
    """Post a comment, or a reply (parent_id), with a token from form-token.

    The same checks as the form: fields, limits, bans, the guard's spam checks and the
    site's moderation. Sending the same token and fields again answers with the comment
    the first request made (one submit, one comment)."""
    target = ThreadRequest(site_key)
    check_origin(target.site)
    viewer = _viewer(target.site, account_token)
    form = target.form(formdata=MultiDict({
        "csrf_token": token, "name": name, "email": email, "website": website, "text": text,
        "parent": str(parent_id or ""), **({"notify": "y"} if notify else {}),
    }), signed_in=viewer is not None)
    if not form.validate():
        _refuse(_("The comment was not posted."), form.errors)
    if form.token_shared:  # every reader of a cached page has it: not a token of one's own
        _refuse(_("The comment was not posted."),
                {"token": [_("Get a token of your own from form-token.")]})
    new = NewComment(
        author=form.name.data, email=form.email.data or None, website=form.website.data or None,
        text=form.text.data, parent_id=form.parent_id, ip_hash=hash_ip(request.remote_addr),
        submit_key=form.submit_key(), notify_replies=bool(form.notify.data) and mail_enabled(),
    )
    try:
        check_commenter(target.site, viewer, new)
        context = guard.PostContext(ip=request.remote_addr, user_agent=request.user_agent.string,
                                    referrer=request.referrer, form_age=form.form_age(),
                                    honeypot="")
        comment = post_comment(target.site, target.url, target.title, new, thread=target.thread,
                               max_depth=current_app.config["MAX_DEPTH"],
                               judge=guard.reviewer(current_app.config, target.site, target.url,
                                                    context))
    except PostRefused as refusal:
        _refuse(_("The comment was not posted."), {refusal.field or "form": [refusal.message]},
                refusal.status)
    held = comment.status.value in HELD
    body = {"id": comment.id, "status": "pending" if held else comment.status.value,
            "html": comment.html, "edit_token": editing.issue_token(comment),
            "editable_until": _iso(editing.editable_until(comment))}
    if held:
        body["message"] = _("Your comment is awaiting moderation.")
    location = url_for("api_public.read_comment", site_key=target.site.key,
                       comment_id=comment.id)
    return body, 201, {"Location": location}


def _refuse(message, errors, status=422):
    abort(status, message=message, errors={FIELD_NAMES.get(name, name): [
        str(text) for text in texts] for name, texts in errors.items()})


@public.route("/sites/<site_key>/comments/<int:comment_id>")
@public.response(200, CommentSchema)
@public.arguments(OwnerHeaders, location="headers", as_kwargs=True)
@_errors(404)
def read_comment(site_key, comment_id, edit_token=None, account_token=None):
    """One comment: approved ones for everyone, one awaiting moderation for its author."""
    site = _site(site_key)
    comment = _comment_of(site, comment_id)
    own = editing.may_change(comment, edit_token, deleting=True)
    if comment.status != CommentStatus.APPROVED and not (
            comment.status.value in HELD and own):
        abort(404, message=_("This comment does not exist."))
    return comment_fields(comment)


def _own_comment(site, comment_id, edit_token, account_token, deleting=False):
    """The comment, if the edit token (or the signed-in account) shows it is the
    caller's and it may still change (else 403, or 404 when it is not the site's)."""
    comment = _comment_of(site, comment_id)
    viewer = _viewer(site, account_token)
    try:
        editing.check_owner(comment, edit_token, False,
                            viewer.account.id if viewer else None, deleting=deleting)
    except editing.NotAllowed as refusal:
        abort(403, message=str(refusal))
    return comment


class ApiEditForm(EditForm):
    """The form's checks of a comment's text; the edit token stands in for the form token."""

    class Meta:
        csrf = False


@public.route("/sites/<site_key>/comments/<int:comment_id>", methods=["PATCH"])
@post_limit  # edits share the network's posting budget
@public.arguments(EditSchema, as_kwargs=True)
@public.response(200, EditedSchema)
@public.arguments(OwnerHeaders, location="headers", as_kwargs=True)
@_errors(*ERRORS)
def edit_comment(site_key, comment_id, text, edit_token=None, account_token=None):
    """Change one's own comment's text within the edit window (checked and moderated
    again like a new one)."""
    site = _site(site_key)
    check_origin(site)
    comment = _own_comment(site, comment_id, edit_token, account_token)
    form = ApiEditForm(formdata=MultiDict({"text": text}),
                       thread_binding=f"{site.key} {comment.thread.url}",
                       max_length=comment_max_length(site))
    if not form.validate():
        _refuse(_("The comment was not changed."), form.errors)
    context = guard.PostContext(ip=request.remote_addr, referrer=request.referrer,
                                user_agent=request.user_agent.string)
    try:
        verdict = guard.review_edit(current_app.config, site, comment, form.text.data,
                                    comment.thread.url, context)
    except PostRefused as refusal:
        _refuse(_("The comment was not changed."), {"text": [refusal.message]}, refusal.status)
    editing.edit_comment(site, comment, form.text.data, spam_reason=verdict.spam_reason)
    status = "pending" if verdict.held or comment.status.value in HELD else comment.status.value
    return {"id": comment.id, "status": status, "html": comment.html}


@public.route("/sites/<site_key>/comments/<int:comment_id>", methods=["DELETE"])
@public.response(200, DeletedSchema)
@public.arguments(OwnerHeaders, location="headers", as_kwargs=True)
@_errors(403, 404)
def delete_comment(site_key, comment_id, edit_token=None, account_token=None):
    """Delete one's own comment (within the edit window; a signed-in author any time)."""
    site = _site(site_key)
    check_origin(site)
    comment = _own_comment(site, comment_id, edit_token, account_token, deleting=True)
    editing.delete_comment(comment)
    return {"id": comment.id, "status": comment.status.value,
            "placeholder": editing.has_visible_replies(comment)}


@public.route("/sites/<site_key>/comments/<int:comment_id>/like", methods=["POST"])
@actions_limit
@public.arguments(LikeSchema, as_kwargs=True)
@public.response(200, LikedSchema)
@_errors(403, 404, 422, 429)
def like_comment(site_key, comment_id, action, visitor):
    """Like an approved comment, or take the like back (one per reader)."""
    site = _site(site_key)
    check_origin(site)
    comment = _comment_of(site, comment_id)
    ip_hash = hash_ip(request.remote_addr)
    reader = likes.visitor_hash(visitor, ip_hash)
    try:
        if action == "like":
            count = likes.like(site, comment, reader, ip_hash)
        else:
            count = likes.unlike(site, comment, reader)
    except likes.LikeRefused as refusal:
        abort(refusal.status, message=refusal.message)
    return {"comment": comment.id, "count": count, "liked": action == "like"}


@public.route("/sites/<site_key>/counts")
@counts_limit
@public.arguments(CountsQuery, location="query", as_kwargs=True)
@public.response(200, CountsSchema)
@_errors(400, 404, 429)
def counts(site_key, url):
    """Approved comments per article URL, keyed by the URLs as given (as /api/counts)."""
    site = _site(site_key)
    given_urls = list(dict.fromkeys(url))
    max_urls = current_app.config["COUNTS_MAX_URLS"]
    if len(given_urls) > max_urls:
        abort(400, message=too_many_urls(max_urls, len(given_urls)))
    normalized = {}
    for given_url in given_urls:
        try:
            normalized[given_url] = normalize_url(given_url)
        except InvalidURL as error:
            abort(400, message=_("“%(value)s” is not an article URL: %(reason)s",
                                 value=given_url[:200], reason=error))
    found = count_comments(site, set(normalized.values()))
    return {"counts": {given: found[url] for given, url in normalized.items()}}
