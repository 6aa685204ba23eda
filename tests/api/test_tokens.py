"""API tokens made and revoked from the command line and from the dashboard: shown once,
kept hashed, scoped to the admin's own sites."""

import json
import re

from sqlalchemy import select

from tests.admin.conftest import Dashboard, make_admin, new_client
from tests.api.conftest import bearer
from tests.conftest import make_site
from widget.api.models import ApiToken, hash_token
from widget.extensions import db

TOKEN = re.compile(r'id="api-token"[^>]*value="(wgt_[^"]+)"')


def queue_status(client, site, secret):
    return client.get(f"/api/v1/admin/sites/{site.key}/queue", headers=bearer(secret)).status_code


def test_cli_create_list_revoke(runner, client, site, superadmin):
    made = runner.invoke(args=["tokens", "create", "build bot", "--admin", superadmin.email,
                               "--site", site.key, "--scope", "moderate", "--json"])
    assert made.exit_code == 0, made.output
    described = json.loads(made.output)
    secret = described["token"]
    assert described["scope"] == "moderate" and described["sites"] == [site.key]
    assert db.session.scalar(select(ApiToken.token_hash)) == hash_token(secret)
    assert queue_status(client, site, secret) == 200

    listed = runner.invoke(args=["tokens", "list", "--json"])
    assert secret not in listed.output
    assert json.loads(listed.output)[0]["revoked"] is False
    plain = runner.invoke(args=["tokens", "list"])
    assert "build bot" in plain.output and secret not in plain.output

    revoked = runner.invoke(args=["tokens", "revoke", str(described["id"])])
    assert revoked.exit_code == 0
    db.session.expire_all()
    assert queue_status(client, site, secret) == 401


def test_cli_refusals(runner, site, superadmin):
    for args in (["tokens", "create", "x", "--admin", "nobody@example.org", "--site", site.key],
                 ["tokens", "create", "x", "--admin", superadmin.email, "--site", "nosuch"],
                 ["tokens", "revoke", "999"]):
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and "No " in result.output
    moderator = make_admin("mod@example.org", sites=[make_site("Other")])
    result = runner.invoke(args=["tokens", "create", "x", "--admin", moderator.email,
                                 "--site", site.key])
    assert result.exit_code != 0
    assert db.session.scalar(select(ApiToken)) is None


def test_dashboard_shows_the_token_once_and_revokes_it(app, site, superadmin):
    client = new_client(app)
    board = Dashboard(client)
    assert board.login(superadmin.email).status_code == 303
    page = board.get("/admin/api-tokens")
    assert page.status_code == 200 and "API tokens" in page.text
    made = board.post("/admin/api-tokens", data={"name": "Static site build",
                                                 "sites": str(site.id), "scope": "read"})
    assert made.status_code == 201
    secret = TOKEN.search(made.text).group(1)
    assert queue_status(client, site, secret) == 200
    again = board.get("/admin/api-tokens")
    assert secret not in again.text and secret[:10] in again.text
    token = db.session.scalar(select(ApiToken))
    revoked = board.post(f"/admin/api-tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    assert queue_status(client, site, secret) == 401


def test_dashboard_refusals_keep_what_was_typed(app, site, superadmin):
    board = Dashboard(new_client(app))
    board.login(superadmin.email)
    response = board.post("/admin/api-tokens", data={"name": "Kept name", "scope": "read"})
    assert response.status_code == 422
    assert 'value="Kept name"' in response.text and "Choose at least one site" in response.text
    assert db.session.scalar(select(ApiToken)) is None


def test_moderators_see_only_their_sites_and_tokens(app, site, superadmin):
    other = make_site("Other", origins=("https://other.example.com",))
    moderator = make_admin("mod@example.org", sites=[site])
    board = Dashboard(new_client(app))
    board.login(moderator.email)
    page = board.get("/admin/api-tokens")
    assert "Blog" in page.text and "Other" not in page.text
    forged = board.post("/admin/api-tokens", data={"name": "x", "sites": str(other.id),
                                                   "scope": "read"})
    assert forged.status_code == 422
    assert db.session.scalar(select(ApiToken)) is None
