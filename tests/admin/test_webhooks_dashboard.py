"""A site's webhooks page: add (the secret shown once), refuse bad input beside the field,
remove, list deliveries with their status and resend one; the site's moderators only."""

import re

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import AuditEntry
from widget.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from widget.webhooks.rules import create_webhook

from .conftest import make_comment, make_thread

ALL_EVENTS = ["comment.created", "comment.pending", "comment.approved", "comment.deleted"]


@pytest.fixture
def app_config():
    return {"WEBHOOK_WORKER": False}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def page_url(site):
    return f"/admin/sites/{site.id}/webhooks"


def make_webhook(site, url="https://hooks.example.com/in"):
    webhook = create_webhook(site, url, ALL_EVENTS, "generic")
    db.session.commit()
    return webhook


def make_delivery(webhook, status_code=500, error="HTTP 500", failed=True):
    from widget.models import utcnow

    thread = make_thread(webhook.site, url=f"https://blog.example.com/{count(WebhookDelivery)}")
    comment = make_comment(thread, "Hello")
    delivery = WebhookDelivery(webhook_id=webhook.id, event="comment.created",
                               comment_id=comment.id, payload={"comment": {"id": comment.id}},
                               attempts=1, last_status_code=status_code, last_error=error,
                               failed_at=utcnow() if failed else None)
    db.session.add(delivery)
    db.session.flush()
    db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=status_code,
                                  error=error, duration_ms=42))
    db.session.commit()
    return delivery


def test_adding_a_webhook_shows_its_secret_once(dashboard, site, superadmin):
    page = dashboard.get(page_url(site))
    assert page.status_code == 200 and "No webhooks yet." in page.text
    response = dashboard.post(page_url(site), data={
        "url": "https://hooks.example.com/in", "events": ["comment.created", "comment.deleted"],
        "format": "slack"})
    assert response.status_code == 201, response.text
    webhook = db.session.scalars(select(Webhook)).one()
    assert (webhook.site_id, webhook.url, webhook.events, webhook.format.value) == (
        site.id, "https://hooks.example.com/in", ["comment.created", "comment.deleted"], "slack")
    assert f'value="{webhook.secret}"' in response.text
    assert "it will not be shown again" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    again = dashboard.get(page_url(site)).text
    assert webhook.secret not in again and "https://hooks.example.com/in" in again
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.site_id, entry.details) == (
        "add_webhook", site.id, "slack https://hooks.example.com/in")


@pytest.mark.parametrize("data, field, message", [
    ({"url": "ftp://hooks.example.com/in", "events": ALL_EVENTS}, "url",
     "The URL must start with https:// or http://."),
    ({"url": "", "events": ALL_EVENTS}, "url", "Enter the URL that should receive the webhook."),
    ({"url": "http://127.0.0.1:9000/in", "events": ALL_EVENTS}, "url", "own network"),
    ({"url": "https://hooks.example.com/in"}, "events", "Choose at least one event."),
    ({"url": "https://hooks.example.com/in", "events": ["comment.liked"]}, "events",
     "Not a valid choice"),
    ({"url": "https://hooks.example.com/in", "events": ALL_EVENTS, "format": "teams"}, "format",
     "Not a valid choice"),
])
def test_bad_input_is_refused_beside_the_field_and_kept(dashboard, site, data, field, message):
    response = dashboard.post(page_url(site), data={"format": "generic", **data})
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', response.text)
    assert error and message.lower() in error.group(1).lower(), response.text
    if data["url"]:
        assert f'value="{data["url"]}"' in response.text
    assert count(Webhook) == 0 and count(AuditEntry) == 0


def test_every_post_needs_the_csrf_token(dashboard, client, site):
    webhook = make_webhook(site)
    delivery = make_delivery(webhook)
    for url in (page_url(site), f"{page_url(site)}/{webhook.id}/delete",
                f"{page_url(site)}/deliveries/{delivery.id}/resend"):
        response = client.post(url, data={"url": "https://x.example.com/", "events": ALL_EVENTS})
        assert response.status_code == 400, url
    assert count(Webhook) == 1 and count(WebhookDelivery) == 1


def test_removing_a_webhook_removes_its_deliveries(dashboard, site):
    webhook = make_webhook(site)
    make_delivery(webhook)
    response = dashboard.post(f"{page_url(site)}/{webhook.id}/delete")
    assert response.status_code == 303 and response.headers["Location"].endswith(page_url(site))
    assert count(Webhook) == 0 and count(WebhookDelivery) == 0 and count(WebhookAttempt) == 0
    assert "Webhook to https://hooks.example.com/in removed." in dashboard.get(page_url(site)).text
    assert [entry.action for entry in db.session.scalars(select(AuditEntry))] == [
        "remove_webhook"]


def test_deliveries_are_listed_with_their_status_and_one_can_be_resent(dashboard, site):
    webhook = make_webhook(site)
    failed = make_delivery(webhook, error="ConnectError: refused", status_code=None)
    delivered = make_delivery(webhook, status_code=204, error=None, failed=False)
    delivered.delivered_at = delivered.created_at
    db.session.commit()
    html = dashboard.get(page_url(site)).text
    assert "given up" in html and "ConnectError: refused" in html
    assert "delivered" in html and "HTTP 204" in html and "42 ms" in html
    # The button's name starts with its visible word, then says which delivery.
    assert f'Resend<span class="visually-hidden">: <bdi>#{failed.id}</bdi></span>' in html

    response = dashboard.post(f"{page_url(site)}/deliveries/{failed.id}/resend")
    assert response.status_code == 303
    again = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id.desc())).first()
    assert again.resend_of_id == failed.id and again.state == "queued" and again.uid != failed.uid
    html = dashboard.get(page_url(site)).text
    assert f"Delivery #{failed.id} queued again as #{again.id}." in html
    assert f"resend of #{failed.id}" in html


def test_the_sites_moderators_may_and_others_may_not(app, moderator_board, site, other_site):
    assert moderator_board.get(page_url(site)).status_code == 200
    assert moderator_board.post(page_url(site), data={
        "url": "https://hooks.example.com/in", "events": ALL_EVENTS,
        "format": "generic"}).status_code == 201

    theirs = make_webhook(other_site, "https://other.example.com/hook")
    delivery = make_delivery(theirs)
    assert moderator_board.get(page_url(other_site)).status_code == 404
    assert moderator_board.post(page_url(other_site), data={
        "url": "https://hooks.example.com/in", "events": ALL_EVENTS}).status_code == 404
    assert moderator_board.post(f"{page_url(other_site)}/{theirs.id}/delete").status_code == 404
    # Their ids through our own site's address: no such webhook or delivery here.
    assert moderator_board.post(f"{page_url(site)}/{theirs.id}/delete").status_code == 404
    assert moderator_board.post(
        f"{page_url(site)}/deliveries/{delivery.id}/resend").status_code == 404
    assert count(Webhook) == 2 and count(WebhookDelivery) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client, site):
    response = client.get(page_url(site))
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.post(page_url(site), data={}).status_code in (302, 400)
    assert count(Webhook) == 0


def test_the_site_page_links_to_its_webhooks(dashboard, site):
    assert f'href="{page_url(site)}"' in dashboard.get(f"/admin/sites/{site.id}").text


def test_every_fields_problem_shows_at_once(dashboard, site):
    response = dashboard.post(page_url(site), data={"url": "ftp://x.example/", "format": "generic"})
    assert response.status_code == 422
    assert 'id="url-error"' in response.text and 'id="events-error"' in response.text


def test_a_chat_webhooks_url_is_a_credential_and_is_not_shown_whole(dashboard, site):
    secret_url = "https://hooks.slack.com/services/T0001/B0002/s3cr3tT0k3n"
    response = dashboard.post(page_url(site), data={
        "url": secret_url, "events": ALL_EVENTS, "format": "slack"})
    assert response.status_code == 201
    webhook = db.session.scalars(select(Webhook)).one()
    make_delivery(webhook)
    for page in (dashboard.get(page_url(site)).text, dashboard.get("/admin/audit").text):
        assert "s3cr3tT0k3n" not in page
        assert "https://hooks.slack.com/services/T0001/…" in page
