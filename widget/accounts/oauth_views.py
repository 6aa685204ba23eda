"""Sign in with a provider, in a popup on our own origin: the thread (a cross-site iframe,
perhaps without cookies) opens /accounts/oauth/NAME/start, which is first-party in its
window, so the session cookie keeps the state, nonce and PKCE verifier until the
provider sends the reader back to the callback. The callback finds or makes the account
and hands the commenter token to the thread by postMessage (our origin only), then the
popup closes. Without scripts the same links run in the top window and come back to
the article.

Linking: a signed-in commenter adds a provider through a short-lived ticket the thread
asks for with its token (never the token itself in a URL); a provider's identity that
already belongs to another account is refused, never merged, whatever the emails say.
"""

import logging
import time

from flask import (Blueprint, abort, current_app, jsonify, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..embed.views import ThreadRequest, _wants_json
from ..extensions import db
from ..i18n import use_site_language
from ..models import Site
from ..ratelimit import actions_limit
from ..sites import public_url
from ..urls import origin_of
from .accounts import AccountBanned, sign_in_identity
from .models import Account, AccountIdentity, AccountSession
from .names import UnusableName, clean_display_name
from .oauth import ProviderError, begin, finish
from .providers import find_provider
from .sessions import current_viewer
from .views import checked_thread, viewer_answer

bp = Blueprint("oauth", __name__)
log = logging.getLogger(__name__)

PENDING_KEY = "oauth_pending"  # in the session cookie: {state: what the callback needs}
PENDING_KEPT = 4  # sign-ins started at once in one browser (several tabs)
PENDING_MAX_AGE = 15 * 60  # seconds a reader may spend at the provider
LINK_TICKET_MAX_AGE = 120
LINK_SALT = "widget.oauth-link"


class SignInFailed(Exception):
    """Why the popup shows "Sign-in did not work" (a key of failure_message)."""

    def __init__(self, kind, provider_title=None, retry_url=None):
        super().__init__(kind)
        self.kind, self.provider_title, self.retry_url = kind, provider_title, retry_url


def failure_message(kind, title):
    title = title or _("The provider")
    messages = {
        "denied": _("You did not allow %(provider)s to tell us who you are, so you are not "
                    "signed in.", provider=title),
        "invalid_state": _("This sign-in has expired or was already used. Please start again."),
        "unavailable": _("%(provider)s did not answer in time; it may be down. Please try "
                         "again in a moment.", provider=title),
        "refused": _("%(provider)s did not confirm who you are. Please try again.",
                     provider=title),
        "no_subject": _("%(provider)s did not say which account you used, so you are not "
                        "signed in.", provider=title),
        "banned": _("This account may no longer comment here."),
        "taken": _("This %(provider)s account already signs in to another account on this "
                   "site. Sign in with it and remove it there first.", provider=title),
        "link_expired": _("Adding a way to sign in took too long, or you have signed out "
                          "since. Please start again from the comments."),
    }
    return messages[kind]


def callback_url(provider):
    """The redirect URI to register with the provider: WIDGET_PUBLIC_URL's origin + path."""
    return origin_of(public_url()) + url_for("oauth.callback", provider_name=provider.name)


def _link_serializer():
    return URLSafeTimedSerializer(current_app.secret_key, salt=LINK_SALT)


@bp.get("/accounts/oauth/<provider_name>/start")
def start(provider_name):
    """Send the reader to the provider. `site` and `url` name the thread (checked like the
    thread page), `mode` is "popup" or "page" (the top window, without scripts)."""
    target = ThreadRequest(request.args.get("site", ""))
    provider = find_provider(target.site, provider_name)
    if provider is None:
        abort(404, description=_("This site does not offer that way to sign in."))
    popup = request.args.get("mode") == "popup"
    retry_url = request.full_path if request.query_string else request.path
    try:
        link = _link_from_ticket(target.site, provider, request.args.get("link"))
        authorize_url, pending = begin(provider, callback_url(provider))
    except SignInFailed as failed:
        return _failure_page(failed.kind, provider.title, retry_url=None, popup=popup)
    except ProviderError as error:
        log.warning("sign-in with %s could not start: %s", provider.name, error)
        return _failure_page(error.kind, provider.title, retry_url, popup)
    pending.update(provider=provider.name, site=target.site.id, popup=popup, at=time.time(),
                   retry=retry_url, back=_return_url(target), link=link)
    kept = {key: value for key, value in (session.get(PENDING_KEY) or {}).items()
            if time.time() - value.get("at", 0) < PENDING_MAX_AGE}
    session[PENDING_KEY] = dict(list(kept.items())[-(PENDING_KEPT - 1):]
                                + [(pending.pop("state"), pending)])
    return redirect(authorize_url)


def _return_url(target):
    """Where the top window goes after signing in without scripts: the article (on one of
    the site's origins, which ThreadRequest checked: never anywhere else), or with
    `return=thread` this service's own thread page."""
    if request.args.get("return") == "thread":
        return target.page_url()
    return target.article_url


@bp.get("/accounts/oauth/<provider_name>/callback")
def callback(provider_name):
    state = request.args.get("state")
    if not state and request.args.get("error"):
        # Some providers leave the state off an error (the test mock's "Deny" does): an
        # error signs no one in, so the latest sign-in started here may show it.
        state = next((key for key, value in reversed((session.get(PENDING_KEY) or {}).items())
                      if value.get("provider") == provider_name), None)
    pending = _take_pending(state, provider_name)
    retry_url = pending.get("retry") if pending else None
    popup = pending.get("popup", True) if pending else True
    site = db.session.get(Site, pending["site"]) if pending else None
    if site is not None:
        use_site_language(site.default_language)
    provider = find_provider(site, provider_name) if site is not None else None
    title = provider.title if provider else None
    try:
        if provider is None:
            raise SignInFailed("invalid_state")
        if request.args.get("error"):
            raise SignInFailed(_provider_said_no(provider))
        if not request.args.get("code"):
            log.warning("%s sent the reader back with neither a code nor an error", provider.name)
            raise SignInFailed("refused")
        try:
            profile = finish(provider, callback_url(provider), pending, request.args["code"])
        except ProviderError as error:
            log.warning("sign-in with %s failed: %s", provider.name, error)
            raise SignInFailed(error.kind) from None
        if pending.get("link"):
            _add_identity(site, provider, profile, pending["link"])
            return _success_page(popup, pending, kind="linked")
        token = _sign_in(site, provider, profile)
    except SignInFailed as failed:
        return _failure_page(failed.kind, title, retry_url, popup)
    return _success_page(popup, pending, kind="signed-in", token=token)


def _take_pending(state, provider_name):
    """The pending sign-in the state names, removed (a state works once), or None."""
    if not state or len(state) > 128:
        return None
    kept = dict(session.get(PENDING_KEY) or {})
    pending = kept.pop(state, None)
    if pending is not None:
        session[PENDING_KEY] = kept
    if (pending is None or pending.get("provider") != provider_name
            or time.time() - pending.get("at", 0) > PENDING_MAX_AGE):
        return None
    return pending


def _provider_said_no(provider):
    error = request.args.get("error", "")[:100]
    if error == "access_denied":  # the reader pressed "Deny": nothing went wrong
        log.info("a reader declined to sign in with %s", provider.name)
        return "denied"
    log.warning("%s answered the sign-in with error %r: %s", provider.name, error,
                request.args.get("error_description", "")[:300])
    return "refused"


def _display_name(provider, profile):
    try:
        return clean_display_name(profile.name or "")
    except UnusableName:
        return _("%(provider)s user", provider=provider.title)


def _sign_in(site, provider, profile):
    """The account of this provider identity (made on first sign-in) with a new session.
    A verified email is recorded as verified; an email never finds another account."""
    try:
        _account, token = sign_in_identity(
            site, provider.identity_provider, profile.subject,
            display_name=_display_name(provider, profile), email=profile.email,
            email_verified=profile.email_verified, method=provider.method)
    except AccountBanned:
        raise SignInFailed("banned") from None
    return token


def _add_identity(site, provider, profile, link):
    """Attach the identity to the account that asked (its session still alive)."""
    account = db.session.get(Account, link["account"])
    alive = db.session.get(AccountSession, link["session"])
    if account is None or account.site_id != site.id or alive is None:
        raise SignInFailed("link_expired")
    if account.banned_at is not None:
        raise SignInFailed("banned")
    existing = db.session.scalar(select(AccountIdentity).where(
        AccountIdentity.site_id == site.id,
        AccountIdentity.provider == provider.identity_provider,
        AccountIdentity.subject == profile.subject))
    if existing is not None and existing.account_id != account.id:
        log.info("refused to link %s identity of account %s to account %s",
                 provider.name, existing.account_id, account.id)
        raise SignInFailed("taken")
    if existing is None:
        db.session.add(AccountIdentity(account=account, site_id=site.id,
                                       provider=provider.identity_provider,
                                       subject=profile.subject, email=profile.email))
        if profile.email and profile.email_verified and not account.email_verified:
            account.email, account.email_verified = profile.email, True
        db.session.commit()


def _success_page(popup, pending, kind, token=None):
    if not popup:
        return redirect(pending["back"], code=303)
    response = current_app.make_response(render_template(
        "accounts/oauth_done.html", kind=kind, token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


def _failure_page(kind, title, retry_url, popup):
    status = 400 if kind in ("invalid_state", "link_expired") else 200
    if kind == "unavailable":
        status = 502
    response = current_app.make_response((render_template(
        "accounts/oauth_failed.html", message=failure_message(kind, title),
        retry_url=retry_url, popup=popup), status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_from_ticket(site, provider, ticket):
    """{account, session} the link ticket names, None without one; SignInFailed if bad."""
    if not ticket:
        return None
    try:
        claims = _link_serializer().loads(ticket, max_age=LINK_TICKET_MAX_AGE)
    except BadData:
        raise SignInFailed("link_expired") from None
    if claims.get("site") != site.key or claims.get("provider") != provider.name:
        raise SignInFailed("link_expired")
    return {"account": claims["account"], "session": claims["session"]}


@bp.post("/t/<site_key>/account/oauth/<provider_name>/link")
@actions_limit
def link_ticket(site_key, provider_name):
    """The start URL that adds this provider to the signed-in commenter's account (JSON)."""
    target, refusal = checked_thread(site_key)
    if refusal:
        return jsonify(message=refusal), 400
    viewer = current_viewer(target.site)
    if viewer is None:
        return jsonify(message=_("Please sign in first.")), 401
    provider = find_provider(target.site, provider_name)
    if provider is None:
        return jsonify(message=_("This site does not offer that way to sign in.")), 404
    ticket = _link_serializer().dumps({"site": target.site.key, "provider": provider.name,
                                       "account": viewer.account.id,
                                       "session": viewer.session.id})
    return jsonify(start_url=url_for(
        "oauth.start", provider_name=provider.name, site=target.site.key, mode="popup",
        link=ticket, **target.carried_args))


@bp.post("/t/<site_key>/account/identities/<int:identity_id>/remove")
def remove_identity(site_key, identity_id):
    """Remove one way into the account, as long as another remains."""
    target, refusal = checked_thread(site_key)
    viewer = current_viewer(target.site) if not refusal else None
    identity = db.session.get(AccountIdentity, identity_id) if viewer else None
    if refusal or viewer is None or identity is None or identity.account_id != viewer.account.id:
        message = refusal or _("Please sign in first.")
        if _wants_json():
            return jsonify(message=message), 400 if refusal else 403
        return redirect(target.page_url(), code=303)
    remaining = db.session.scalar(select(func.count()).select_from(AccountIdentity).where(
        AccountIdentity.account_id == viewer.account.id))
    if remaining <= 1:
        message = _("This is your only way to sign in: add another before removing it.")
        if _wants_json():
            return jsonify(message=message), 409
        return redirect(target.page_url(), code=303)
    db.session.delete(identity)
    db.session.commit()
    if _wants_json():
        return viewer_answer(target, viewer)
    return redirect(target.page_url(), code=303)

