"""A site's webhooks page in the dashboard: add one (its secret shown once), remove one,
see recent deliveries and resend one. Superadmins, and the site's own moderators."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..admin import access
from ..admin.audit import record
from ..admin.auth import current_admin
from ..admin.blueprint import admin_context, never_cache, require_admin
from ..extensions import db
from .forms import EVENT_LABELS, FORMAT_LABELS, ConfirmForm, WebhookForm
from .models import EVENTS, Webhook, WebhookDelivery
from .rules import (
    WebhookRefused,
    create_webhook,
    recent_deliveries,
    resend,
    site_webhooks,
    validated,
)

# Under /admin: the dashboard's own session cookie, sign-in and no-store, as admin.bp.
bp = Blueprint("webhooks", __name__, url_prefix="/admin/sites/<int:site_id>/webhooks")
bp.before_request(require_admin)
bp.after_request(never_cache)
bp.context_processor(admin_context)


def _site(site_id):
    return access.site_or_404(current_admin(), site_id)


def _page(site, form, new_webhook=None, status=200):
    return render_template(
        "webhooks/site_webhooks.html", site=site, form=form, new_webhook=new_webhook,
        webhooks=site_webhooks(site.id), deliveries=recent_deliveries(site.id),
        event_labels=EVENT_LABELS, format_labels=FORMAT_LABELS, confirm_form=ConfirmForm(),
    ), status


@bp.get("")
def site_webhooks_page(site_id):
    site = _site(site_id)
    return _page(site, WebhookForm(formdata=None, data={"events": list(EVENTS)}))


@bp.post("")
def add_webhook(site_id):
    """Added: the page again, not a redirect, as the secret must be shown once and never
    travel in a cookie or a URL."""
    admin = current_admin()
    site = _site(site_id)
    form = WebhookForm()
    form_valid = form.validate()
    try:  # the rules' reasons too, so that every field's problem shows at once
        validated(form.url.data, form.events.data or [], form.format.data)
    except WebhookRefused as refusal:
        form_valid = False
        for name, messages in refusal.errors.items():
            form[name].errors = list(form[name].errors) or list(messages)
    if not form_valid:
        return _page(site, form, status=422)
    webhook = create_webhook(site, form.url.data, form.events.data, form.format.data)
    record(admin, "add_webhook", site.id, details=f"{webhook.format.value} {webhook.shown_url}")
    db.session.commit()
    flash(_("Webhook added. Copy its secret now: it will not be shown again."))
    return _page(site, WebhookForm(formdata=None, data={"events": list(EVENTS)}),
                 new_webhook=webhook, status=201)


def _confirmed():
    form = ConfirmForm()
    if not form.validate():
        abort(400, description=" ".join(str(m) for errors in form.errors.values() for m in errors)
              or _("The form could not be read."))


@bp.post("/<int:webhook_id>/delete")
def delete_webhook(site_id, webhook_id):
    admin = current_admin()
    site = _site(site_id)
    _confirmed()
    webhook = db.session.get(Webhook, webhook_id)
    if webhook is None or webhook.site_id != site.id:
        abort(404, description=_("There is no such webhook on this site."))
    record(admin, "remove_webhook", site.id, details=webhook.shown_url)
    db.session.delete(webhook)
    db.session.commit()
    flash(_("Webhook to %(url)s removed.", url=webhook.shown_url))
    return redirect(url_for("webhooks.site_webhooks_page", site_id=site.id), code=303)


@bp.post("/deliveries/<int:delivery_id>/resend")
def resend_delivery(site_id, delivery_id):
    site = _site(site_id)
    _confirmed()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook.site_id != site.id:
        abort(404, description=_("There is no such delivery on this site."))
    again = resend(delivery)
    db.session.commit()
    flash(_("Delivery #%(id)s queued again as #%(new_id)s.", id=delivery.id, new_id=again.id))
    return redirect(url_for("webhooks.site_webhooks_page", site_id=site.id) + "#deliveries",
                    code=303)
