"""Thread page and loader scripts: parse the request, call threads.py, render (posting.py
has the reply endpoint)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from .. import editing
from ..accounts.sessions import current_viewer
from ..i18n import supported_language, use_site_language
from ..mail.notifications import mail_enabled
from ..ratelimit import actions_limit, counts_limit
from ..sites import comment_max_length
from ..theme import THEMES
from ..threads import Sort, closed_reason, find_site_and_thread
from ..urls import InvalidURL, normalize_url, origin_of
from .counts import counts_api
from .forms import (
    CommentForm,
    EditForm,
    LikeForm,
    ThreadActionForm,
    clean_title,
    fresh_form_token,
)
from .listing import thread_listing
from .loader import script_response
from .own import OWN_COMMENTS_KEPT, own_comment_ids
from .thread_cache import (
    cached_page,
    is_public,
    not_modified,
    page_key,
    store_page,
    viewer_has_own,
    with_tokens,
    with_validators,
)
from .refusals import frame_refusals

bp = Blueprint("embed", __name__)
bp.add_url_rule("/api/counts", view_func=counts_limit(counts_api), methods=["GET", "POST"])
bp.after_request(frame_refusals)

EDIT_TOKENS_KEPT = 10
MAX_PAGE = 1_000_000


class ThreadRequest:
    """The site, article URL and page options a thread request names, checked against the site."""

    def __init__(self, site_key):
        raw_url = request.args.get("url", "")
        try:
            self.url, url_error = normalize_url(raw_url), None
        except InvalidURL as error:
            self.url, url_error = None, error
        # The site and the article's thread (None until its first comment), in one query.
        self.site, self.thread = find_site_and_thread(site_key, self.url)
        if self.site is None:
            abort(404, description=_("No site is registered with the key “%(key)s”.", key=site_key))
        use_site_language(self.site.default_language)
        if url_error is not None:
            abort(400, description=str(url_error))
        if origin_of(self.url) not in self.site.allowed_origins:
            abort(403, description=_(
                "Comments are not enabled for %(origin)s: the site owner has not added "
                "this origin to the site's allowed origins.", origin=origin_of(self.url)
            ))
        # The article URL as the page gave it: permalinks lead back to exactly that page.
        self.article_url = raw_url.strip().split("#", 1)[0]
        self.title = clean_title(request.args.get("title", ""))
        self.parent_origin = self._parent_origin()
        theme = request.args.get("theme", "")
        self.theme = theme if theme in THEMES else None
        # A language we have, as its code ("de-CH" and WordPress's "de_DE" give "de").
        self.lang = supported_language(request.args.get("lang"))
        self.own_token = request.args.get("own") or None
        self.own_ids = own_comment_ids(self.site, self.own_token)
        self.sort = Sort.parse(request.args.get("sort"), self.site.likes_enabled)
        # Which page of top-level comments: ?page=N, or the one holding ?comment=ID.
        self.page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
        self.comment_id = request.args.get("comment", type=int)

    def _parent_origin(self):
        """The embedding page's origin (given by embed.js), the only target for postMessage.

        An origin the site does not allow gets a clear message rather than the browser's
        blank "refused to connect" that frame-ancestors would cause.
        """
        claimed = request.args.get("origin", "")
        if not claimed:
            return None
        try:
            parent_origin = origin_of(claimed)
        except InvalidURL:
            abort(400, description=_("“%(value)s” is not the origin of a web page.", value=claimed))
        if parent_origin not in self.site.allowed_origins:
            abort(403, description=_(
                "Comments cannot be shown on %(origin)s: the site owner has not added "
                "this origin to the site's allowed origins.", origin=parent_origin
            ))
        return parent_origin

    @property
    def carried_args(self):
        """The query every link and form of the page carries on, so that replying (also
        without scripts) keeps the page as the loader asked for it."""
        args = {"url": self.article_url, "title": self.title, "origin": self.parent_origin,
                "theme": self.theme, "lang": self.lang, "own": self.own_token,
                "page": self.page if self.page > 1 else None}
        return {name: value for name, value in args.items() if value}

    def page_url(self, comment_id=None, **values):
        """The thread page as this request shows it (with the reader's sort), e.g. to
        redirect back to after an action without scripts; with comment_id, the page that
        holds that comment, scrolled to it."""
        args = {**self.carried_args, "sort": self.sort.value if self.sort != Sort.OLDEST else None}
        if comment_id is not None:
            args.update(page=None, comment=comment_id, _anchor=f"c-{comment_id}")
        return url_for("embed.thread_page", site_key=self.site.key, **{**args, **values})

    @property
    def binding(self):
        return f"{self.site.key} {self.url}"

    def form(self, **kwargs):
        return CommentForm(
            thread_binding=self.binding,
            max_length=comment_max_length(self.site),
            **kwargs,
        )

    def edit_form(self, **kwargs):
        return EditForm(thread_binding=self.binding,
                        max_length=comment_max_length(self.site), **kwargs)

    def action_form(self, **kwargs):
        return ThreadActionForm(thread_binding=self.binding, **kwargs)

    def like_form(self, **kwargs):
        return LikeForm(thread_binding=self.binding, **kwargs)


@bp.get("/t/<site_key>")
def thread_page(site_key):
    key = page_key(site_key)
    shared = key is not None and not viewer_has_own()  # the same page for every reader
    # ... and a shared cache in front may keep it, under these tags (sharedcache/).
    tags = key.cache_tags if shared and is_public() else None
    if key is not None and request.if_none_match.contains_weak(key.etag):
        # With the page's own policy: a browser merges a 304's headers into the copy it
        # keeps, and the default (frame-ancestors 'none', DENY) would refuse the frame.
        response = not_modified(key.etag, tags)
        response.headers["Content-Security-Policy"] = thread_page_policy(key.state)
        return response
    body = cached_page(key, shared_tokens=bool(tags)) if shared else None
    if body is not None:
        response = current_app.response_class(body, mimetype="text/html")
        response.headers["Content-Security-Policy"] = thread_page_policy(key.state)
        return with_validators(response, key.etag, tags)
    target = ThreadRequest(site_key)
    reply_to = request.args.get("reply", type=int)
    response = _render_thread(target, target.form(), reply_to, shared_tokens=bool(tags))
    if shared:
        parts = store_page(key, response.get_data())
        if tags:  # every reader gets this token: marked shared (see form_token)
            response.set_data(with_tokens(parts, key.binding, shared=True))
    return with_validators(response, key.etag, tags) if key else response


@bp.post("/t/<site_key>/token")
@actions_limit
def form_token(site_key):
    """A form token of the reader's own, for thread.js to put in a page that came from a
    shared cache (whose token every reader got) before it posts a comment."""
    target = ThreadRequest(site_key)
    check_origin(target.site)
    response = jsonify(token=fresh_form_token(target.binding))
    response.cache_control.no_store = True
    response.cache_control.private = True
    return response


def check_origin(site):
    """Refuse a post made from a page that is neither ours nor one of the site's.

    Browsers send Origin on every POST; without it, Sec-Fetch-Site still tells a
    cross-site form apart. Non-browser clients send neither and need the form token.
    """
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        allowed = {request.host_url.rstrip("/"), *site.allowed_origins}
        if current_app.config.get("PUBLIC_URL"):
            allowed.add(origin_of(current_app.config["PUBLIC_URL"]))
        if origin.rstrip("/") not in allowed:
            abort(403, description=_("Comments can only be posted from the site's own pages."))
    elif request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, description=_("Comments can only be posted from the site's own pages."))


def _refused(target, form, reply_to, errors, status=422):
    if _wants_json():
        return jsonify(message=_("The comment was not posted."), errors=errors), status
    for field_name, messages in errors.items():
        if field_name in form and field_name != "csrf_token":
            form[field_name].errors = list(messages)
    form_errors = [message for name in ("csrf_token", "parent", "form")
                   for message in errors.get(name, [])]
    return _render_thread(target, form, reply_to, form_errors), status


def _render_thread(target, form, reply_to, form_errors=(), previewed=False, preview_html="",
                   shared_tokens=False):
    """shared_tokens: the page goes to a shared cache; thread.js swaps its form token for
    one from token_url before posting."""
    closed_notice = closed_reason(target.site, target.thread)
    listing = thread_listing(target, target.thread, closed_notice, form, reply_to, form_errors)
    response = current_app.make_response(render_template(
        "embed/thread.html", target=target, listing=listing, form=form,
        reply_to=listing.reply_to, form_errors=form_errors, closed_notice=closed_notice,
        sorts=list(Sort), like_form=target.like_form() if target.site.likes_enabled else None,
        own_editable=listing.editable, own_until=editing.editable_until,
        mail_enabled=mail_enabled(), previewed=previewed, preview_html=preview_html,
        closed=closed_notice is not None, viewer=current_viewer(target.site),
        token_url=url_for("embed.form_token", site_key=target.site.key, url=target.article_url)
        if shared_tokens else None,
    ))
    response.headers["Content-Security-Policy"] = thread_page_policy(target.site)
    return response


def thread_page_policy(site):
    """Scripts and styles from us only; framable by the site's own origins alone (site:
    anything with the site's allowed_origins)."""
    ancestors = " ".join(site.allowed_origins) or "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )


def _remember_own(comment_id):
    """Let the author see their own comment while it awaits moderation (where cookies are
    kept; see own.py for where they are not)."""
    session["own"] = (session.get("own", []) + [comment_id])[-OWN_COMMENTS_KEPT:]


def _remember_edit_token(comment):
    """The token that lets the author change the comment for a while: returned to the
    script (JSON), and kept in the signed session cookie for pages without scripts."""
    token = editing.issue_token(comment)
    tokens = list(session.get("edit_tokens", {}).items())[-(EDIT_TOKENS_KEPT - 1):]
    session["edit_tokens"] = dict(tokens + [(str(comment.id), token)])
    return token


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


@bp.get("/embed.js")
def loader_script():
    return script_response("embed.js")


@bp.get("/count.js")
def count_script():
    return script_response("count.js")
