"""A site's sign-in providers from its dashboard page: only configured ones are offered."""

import pytest

from widget.extensions import db
from widget.models import Site

from .test_sites import NEW_SITE


@pytest.fixture
def app_config():
    return {"LOGIN_PROVIDERS": {"github": {"client_id": "a", "client_secret": "b"},
                                "google": {"client_id": "a", "client_secret": "b"}}}


def test_the_site_form_offers_the_configured_providers(dashboard, site):
    page = dashboard.get(f"/admin/sites/{site.id}").text
    assert "<legend>Sign-in providers</legend>" in page
    assert 'value="github"' in page and 'value="google"' in page and "GitLab" not in page
    response = dashboard.post(f"/admin/sites/{site.id}",
                              data={**NEW_SITE, "login_providers": ["google"]})
    assert response.status_code == 303
    assert db.session.get(Site, site.id).login_providers == ["google"]


def test_an_unconfigured_provider_is_refused_beside_the_field(dashboard, site):
    response = dashboard.post(f"/admin/sites/{site.id}",
                              data={**NEW_SITE, "login_providers": ["gitlab"]})
    assert response.status_code == 422
    assert 'class="field-error" role="alert">' in response.text
    assert db.session.get(Site, site.id).login_providers == []
