"""Thread page and reply endpoint: parse the request, call threads.py, render."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)

from ..privacy import hash_ip
from ..threads import CommentNode, NewComment, PostRefused, find_site, load_thread, post_comment
from ..urls import InvalidURL, normalize_url, origin_of
from .forms import CommentForm

bp = Blueprint("embed", __name__)

OWN_COMMENTS_KEPT = 50


class ThreadRequest:
    """The site, article URL and title a thread request names, checked against the site."""

    def __init__(self, site_key):
        self.site = find_site(site_key)
        if self.site is None:
            abort(404, description=f"No site is registered with the key “{site_key}”.")
        try:
            self.url = normalize_url(request.args.get("url", ""))
        except InvalidURL as error:
            abort(400, description=str(error))
        if origin_of(self.url) not in self.site.allowed_origins:
            abort(403, description=(
                f"Comments are not enabled for {origin_of(self.url)}: the site owner "
                "has not added this origin to the site's allowed origins."
            ))
        self.title = request.args.get("title", "")[:300]
        # The embedding page's origin, for postMessage; only one the site allows.
        parent_origin = request.args.get("origin", "")
        self.parent_origin = parent_origin if parent_origin in self.site.allowed_origins else None

    @property
    def binding(self):
        return f"{self.site.key} {self.url}"

    def form(self, **kwargs):
        return CommentForm(
            thread_binding=self.binding,
            max_length=current_app.config["COMMENT_MAX_LENGTH"],
            **kwargs,
        )


@bp.get("/t/<site_key>")
def thread_page(site_key):
    target = ThreadRequest(site_key)
    reply_to = request.args.get("reply", type=int)
    return _render_thread(target, target.form(), reply_to)


@bp.post("/t/<site_key>")
def post(site_key):
    target = ThreadRequest(site_key)
    check_origin(target.site)
    form = target.form()
    reply_to = int(form.parent.data) if (form.parent.data or "").isdigit() else None
    if not form.validate():
        return _refused(target, form, reply_to, form.errors)
    new = NewComment(
        author=form.name.data.strip(),
        email=(form.email.data or "").strip() or None,
        website=(form.website.data or "").strip() or None,
        text=form.text.data,
        parent_id=reply_to,
        ip_hash=hash_ip(request.remote_addr),
    )
    try:
        comment = post_comment(target.site, target.url, target.title, new)
    except PostRefused as refusal:
        return _refused(target, form, reply_to, {refusal.field or "form": [refusal.message]},
                        refusal.status)
    _remember_own(comment.id)
    if _wants_json():
        html = render_template("embed/_posted.html", node=CommentNode(comment), target=target)
        return jsonify(id=comment.id, status=comment.status.value, html=html), 201
    location = url_for("embed.thread_page", site_key=site_key, url=target.url,
                       title=target.title or None, _anchor=f"c-{comment.id}")
    return redirect(location, code=303)


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
            abort(403, description="Comments can only be posted from the site's own pages.")
    elif request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(403, description="Comments can only be posted from the site's own pages.")


def _refused(target, form, reply_to, errors, status=422):
    if _wants_json():
        return jsonify(message="The comment was not posted.", errors=errors), status
    for field_name, messages in errors.items():
        if field_name in form and field_name != "csrf_token":
            form[field_name].errors = list(messages)
    form_errors = [message for name in ("csrf_token", "parent", "form")
                   for message in errors.get(name, [])]
    return _render_thread(target, form, reply_to, form_errors), status


def _render_thread(target, form, reply_to, form_errors=()):
    view = load_thread(target.site, target.url, session.get("own", []))
    if reply_to not in view.comment_ids:
        reply_to = None  # an unknown or hidden parent: offer the top-level form instead
    form.parent.data = str(reply_to) if reply_to else ""
    response = current_app.make_response(render_template(
        "embed/thread.html", target=target, view=view, form=form,
        reply_to=reply_to, form_errors=form_errors,
    ))
    response.headers["Content-Security-Policy"] = thread_page_policy(target.site)
    return response


def thread_page_policy(site):
    """Scripts and styles from us only; framable by the site's own origins alone."""
    ancestors = " ".join(site.allowed_origins) or "'none'"
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )


def _remember_own(comment_id):
    """Let the author see their own comment while it awaits moderation."""
    session["own"] = (session.get("own", []) + [comment_id])[-OWN_COMMENTS_KEPT:]


def _wants_json():
    return request.accept_mimetypes.best == "application/json"


@bp.get("/embed.js")
def loader_script():
    return _script("embed.js")


def _script(filename):
    """The loader scripts keep a fixed URL (site owners paste it), so cache them briefly."""
    response = send_from_directory(current_app.static_folder, filename, max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
