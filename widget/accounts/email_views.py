"""Sign in with email: ask for a code and enter it on the thread (JSON for thread.js, pages
without it), and the page behind the mailed link.

Entering the code in the thread works inside the cross-site iframe with no cookie: the
answer carries the commenter token, which thread.js hands to the loader. The link opens
a first-party page on our origin, which signs in where the browser shares that state
(the session cookie).
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask_babel import gettext as _

from ..clients import client_network
from ..embed.refusals import claimed_origins, refusal_policy
from ..embed.views import ThreadRequest, _wants_json, check_origin, thread_page_policy
from ..extensions import db
from ..i18n import count_text
from ..mail import links
from ..mail.notifications import mail_enabled
from ..models import Site
from ..privacy import hash_ip
from ..ratelimit import email_sign_in_limit
from .accounts import AccountBanned
from .email_codes import (
    CodeRefused,
    check_code,
    code_by_link,
    load_link_token,
    normalized_address,
    redeem,
    send_code,
)
from .email_forms import AskCodeForm, EnterCodeForm, LinkForm
from .models import SignInCode
from .names import UnusableName
from .sessions import find_viewer, request_token
from .views import viewer_answer

bp = Blueprint("email_sign_in", __name__)
THREAD_ENDPOINTS = ("email_sign_in.ask_code", "email_sign_in.enter_code")


@bp.after_request
def framed_refusals(response):
    """A refusal of the thread's forms (too many requests, another origin) shows inside
    the iframe that posted them, as embed/refusals.py does for the comment form."""
    if (response.status_code >= 400 and request.endpoint in THREAD_ENDPOINTS
            and "Content-Security-Policy" not in response.headers):
        ancestors = claimed_origins()
        response.headers["Content-Security-Policy"] = refusal_policy(ancestors)
        if not ancestors:
            response.headers["X-Frame-Options"] = "DENY"
    return response


def ask_code_form(target):
    """An empty "Sign in with email" form for the thread's account bar (never filled
    from a comment form posted on the same page, whose fields share its names)."""
    return AskCodeForm(formdata=None, thread_binding=target.binding)


def _thread():
    target = ThreadRequest(request.view_args["site_key"])
    if not mail_enabled():
        abort(404, description=_("Sign-in by email is not available here."))
    check_origin(target.site)
    return target


def _form_errors(form):
    """WTForms' errors; those of hidden fields (the form token, the address the code
    form carries) under "form", as they have no field to stand beside."""
    errors = {}
    for name, texts in form.errors.items():
        hidden = name == "csrf_token" or form[name].type == "HiddenField"
        errors.setdefault("form" if hidden else name, []).extend(str(text) for text in texts)
    return errors


def _answer(target, template_name, form, message, errors, status):
    """The form again (with its errors beside the fields), as JSON for thread.js or in a
    page of its own."""
    for name, messages in errors.items():
        if name in form and name != "csrf_token":
            form[name].errors = list(messages)
    form_errors = errors.get("form", [])
    context = dict(target=target, form=form, message=message, form_errors=form_errors,
                   show_name=bool(errors.get("name")) or getattr(form, "show_name", False))
    if _wants_json():
        return jsonify(message=message, errors=errors,
                       html=render_template(template_name, **context)), status
    page = render_template("accounts/sign_in_email.html", fragment=template_name, **context)
    # Shown in the thread's iframe, so framed like the thread page.
    return page, status, {"Content-Security-Policy": thread_page_policy(target.site)}


@bp.post("/t/<site_key>/account/email")
@email_sign_in_limit
def ask_code(site_key):
    target = _thread()
    form = AskCodeForm(thread_binding=target.binding)
    fragment = "embed/_sign_in_ask.html"
    if not form.validate():
        errors = _form_errors(form)
        return _answer(target, fragment, form, _("No code was sent."), errors, 422)
    email = normalized_address(form.email.data)
    try:
        send_code(target.site, email, form.name.data, hash_ip(client_network(request.remote_addr)),
                  target.article_url)
    except UnusableName as unusable:
        return _answer(target, fragment, form, _("No code was sent."), {"name": [str(unusable)]}, 422)
    except CodeRefused as refused:
        return _answer(target, fragment, form, refused.message,
                       {refused.field or "form": [refused.message]}, 429)
    code_form = EnterCodeForm(formdata=None, thread_binding=target.binding, email=email)
    minutes = int(current_app.config["SIGN_IN_CODE_LIFETIME"]) // 60
    message = count_text("A code is on its way to %(email)s. It may take a few minutes; it "
                         "works for %(num)s minute.",
                         "A code is on its way to %(email)s. It may take a few minutes; it "
                         "works for %(num)s minutes.", minutes, email=email)
    return _answer(target, "embed/_sign_in_code.html", code_form, message, {}, 200)


@bp.post("/t/<site_key>/account/email/code")
@email_sign_in_limit
def enter_code(site_key):
    target = _thread()
    form = EnterCodeForm(thread_binding=target.binding)
    fragment = "embed/_sign_in_code.html"
    form.show_name = "name" in request.form  # once asked for, the name field stays
    if not form.validate():
        return _answer(target, fragment, form, _("You are not signed in yet."),
                       _form_errors(form), 422)
    email = normalized_address(form.email.data)
    try:
        row = check_code(target.site, email, form.code.data)
        _account, token = redeem(target.site, row, new_name=request.form.get("name"),
                                 replaced_token=request_token(target.site))
    except CodeRefused as refused:
        return _answer(target, fragment, form, refused.message,
                       {refused.field or "form": [refused.message]}, 422)
    except AccountBanned:
        message = _("This account may no longer comment here.")
        return _answer(target, fragment, form, message, {"form": [message]}, 403)
    if _wants_json():
        return viewer_answer(target, find_viewer(target.site, token))
    return redirect(target.page_url(), code=303)


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def link_page(token):
    """A GET shows a button (mail scanners open links, and must not use up the code);
    the POST signs in and says so, with a link back to the article."""
    try:
        code_id, code, article_url = load_link_token(token)
    except links.BadLink as bad:
        abort(400, description=str(bad))
    row = db.session.get(SignInCode, code_id)
    site = db.session.get(Site, row.site_id) if row is not None else None
    form = LinkForm()
    show_name = "name" in request.form
    try:
        if site is None:
            raise CodeRefused(_("This link is not valid."))
        code_by_link(site, code_id, code)
        if not form.validate_on_submit():
            return render_template("accounts/sign_in_link.html", form=form, email=row.email,
                                   site=site, show_name=show_name, error=None,
                                   name=request.form.get("name", row.display_name))
        account, _token = redeem(site, row, new_name=request.form.get("name"))
    except CodeRefused as refused:
        if refused.field != "name":
            abort(400, description=refused.message)
        return render_template("accounts/sign_in_link.html", form=form, email=row.email,
                               site=site, show_name=True, error=refused.message,
                               name=request.form.get("name", row.display_name)), 422
    except AccountBanned:
        abort(403, description=_("This account may no longer comment here."))
    return render_template("accounts/signed_in.html", account=account, article_url=article_url,
                           site=site)


def init_app(app, csrf):
    # The thread's forms carry its signed form token (checked by their forms); the link
    # page is first-party and keeps Flask-WTF's session CSRF check.
    csrf.exempt(ask_code)
    csrf.exempt(enter_code)
    app.register_blueprint(bp)
    app.add_template_global(ask_code_form, "email_sign_in_form")
