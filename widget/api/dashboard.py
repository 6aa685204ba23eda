"""The dashboard's API tokens page: make one (shown once), see and revoke them."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..admin.access import visible_sites
from ..admin.auth import current_admin
from ..admin.blueprint import admin_context, never_cache, require_admin
from ..extensions import db
from .models import ApiToken, TokenScope
from .tokens import MAX_NAME_LENGTH, TokenRefused, create_token, revoke_token, tokens_of

bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")
bp.before_request(require_admin)
bp.after_request(never_cache)
bp.context_processor(admin_context)

SCOPE_LABELS = {
    TokenScope.READ: _l("Read: the queue and the export"),
    TokenScope.MODERATE: _l("Moderate: also approve, mark as spam, delete and ban"),
}


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Give the token a name, e.g. the script that uses it.")),
        Length(max=MAX_NAME_LENGTH)])
    sites = SelectMultipleField(_l("Sites"), coerce=int, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput(),
                                validators=[DataRequired(_l("Choose at least one site."))])
    scope = RadioField(_l("Scope"), default=TokenScope.READ.value, choices=[
        SelectChoice(scope.value, label) for scope, label in SCOPE_LABELS.items()])


class RevokeForm(FlaskForm):
    pass


def _form(admin, **kwargs):
    form = TokenForm(**kwargs)
    form.sites.choices = [(site.id, site.name) for site in visible_sites(admin)]
    return form


def _page(admin, form, new_secret=None, status=200):
    return render_template("api/tokens.html", form=form, tokens=tokens_of(admin),
                           new_secret=new_secret, revoke_form=RevokeForm(),
                           scope_labels=SCOPE_LABELS), status


@bp.get("")
def tokens_page():
    admin = current_admin()
    return _page(admin, _form(admin, formdata=None))


@bp.post("")
def add_token():
    """Made: the page again, not a redirect, as the token must be shown once and never
    travel in a cookie or a URL."""
    admin = current_admin()
    form = _form(admin)
    if not form.validate():
        return _page(admin, form, status=422)
    sites = [site for site in visible_sites(admin) if site.id in form.sites.data]
    try:
        token, secret = create_token(admin, form.name.data, form.scope.data, sites)
    except TokenRefused as refusal:
        form.name.errors = [str(refusal)]
        return _page(admin, form, status=422)
    db.session.commit()
    flash(_("Token made. Copy it now: it will not be shown again."))
    return _page(admin, _form(admin, formdata=None), new_secret=secret, status=201)


@bp.post("/<int:token_id>/revoke")
def revoke(token_id):
    admin = current_admin()
    if not RevokeForm().validate():
        abort(400, description=_("The form could not be read."))
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.admin_id != admin.id and not admin.is_superadmin):
        abort(404, description=_("There is no such token among yours."))
    revoke_token(token)
    db.session.commit()
    flash(_("Token “%(name)s” revoked.", name=token.name))
    return redirect(url_for("api_tokens.tokens_page"), code=303)
