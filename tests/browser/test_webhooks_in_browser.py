"""Webhooks end to end: an admin adds one in the dashboard (a refusal beside the field,
then the secret shown once), a reader posts, and a real receiver gets it, signed, from
the background worker; every page passes axe-core."""

import time
from urllib.parse import quote

import pytest

from tests.admin.conftest import make_admin
from tests.browser.axe import axe_problems
from tests.browser.conftest import sign_in_to_dashboard
from tests.webhook_receiver import receiver  # noqa: F401 (fixture)
from widget.threads import find_site
from widget.webhooks.worker import worker

pytestmark = pytest.mark.browser


@pytest.fixture
def live_app_config():
    return {"WEBHOOK_ALLOW_PRIVATE_TARGETS": True, "WEBHOOK_POLL_INTERVAL": 30}


def test_add_a_webhook_and_receive_a_comment(context_for, live_app, live_site, host_site,
                                             receiver):  # noqa: F811
    page = context_for("light")  # lets axe-core in past our CSP
    with live_app.app_context():
        make_admin("boss@example.org")
        site_id = find_site(live_site).id
    sign_in_to_dashboard(page, live_app)
    page.goto(f"{live_app.base_url}/admin/sites/{site_id}")
    page.get_by_role("link", name="its webhooks").click()
    assert page.locator("h1").inner_text() == "Webhooks of “Host”"

    page.get_by_label("URL", exact=True).fill("ftp://nowhere.example/")
    page.get_by_role("button", name="Add webhook").click()
    url_field = page.get_by_label("URL", exact=True)
    assert url_field.input_value() == "ftp://nowhere.example/"
    assert url_field.get_attribute("aria-invalid") == "true"
    assert "must start with https://" in page.locator("#url-error").inner_text()
    assert axe_problems(page) == []

    url_field.fill(receiver.url)
    page.get_by_label("A comment is approved").uncheck()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.get_by_label(f"Secret for {receiver.url}").input_value()
    assert len(secret) == 64
    assert axe_problems(page) == []
    receiver.secrets.append(secret)

    article = host_site.origin + "/article.html"
    try:
        page.goto(f"{live_app.base_url}/t/{live_site}?url={quote(article, safe='')}")
        page.get_by_label("Comment").fill("Hello, hooks")
        page.get_by_label("Name").fill("Ann")
        page.get_by_role("button", name="Post comment").click()
        deadline = time.monotonic() + 10
        while not receiver.accepted and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker(live_app).stop()
    [got] = receiver.accepted
    assert got["json"]["event"] == "comment.created"
    assert got["json"]["comment"]["text"] == "Hello, hooks"

    page.goto(f"{live_app.base_url}/admin/sites/{site_id}/webhooks")
    assert secret not in page.content()
    assert page.locator("#deliveries .badge").first.inner_text() == "delivered"
    assert axe_problems(page) == []
