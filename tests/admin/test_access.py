"""Access control on every admin route: anonymous visitors are sent to sign in (401 for
JSON), and a moderator meets only 404s (or 403s) with another site's IDs.

The tables below must name every route of the blueprint: a new route fails
`test_the_tables_cover_every_admin_route` until it is added here.
"""

from io import BytesIO

import pytest
from flask import url_for
from sqlalchemy import select

from widget.accounts.models import Account
from widget.extensions import db
from widget.models import AuditEntry, Ban, Comment, Site, Thread, utcnow

from .conftest import OTHER_ARTICLE, Dashboard, make_thread, pending
from .test_import_upload import DISQUS_FIXTURE

UPLOAD = object()  # stands for a real Disqus export, sent afresh with each request
SITE_FORM = {"name": "Taken over", "origins": "https://evil.example", "moderation": "none",
             "comments_open": "y", "max_comment_length": ""}

# (endpoint, method): the path's ids (by name of the object in `foreign`), the form sent.
ROUTES = {
    ("admin.overview", "GET"): ({}, None),
    ("admin.queue", "GET"): ({}, None),
    ("admin.moderate_comment", "POST"): ({"comment_id": "comment"}, {"action": "approve"}),
    ("admin.bulk_moderate", "POST"): ({}, {"action": "delete", "ids": "comment"}),
    ("admin.edit_comment", "GET"): ({"comment_id": "comment"}, None),
    ("admin.edit_comment", "POST"): ({"comment_id": "comment"}, {"text": "Edited by an intruder"}),
    ("admin.threads", "GET"): ({}, None),
    ("admin.thread_state", "POST"): ({"thread_id": "thread"}, {"state": "closed"}),
    ("admin.sites", "GET"): ({}, None),
    ("admin.new_site", "GET"): ({}, None),
    ("admin.new_site", "POST"): ({}, SITE_FORM),
    ("admin.site", "GET"): ({"site_id": "site"}, None),
    ("admin.site", "POST"): ({"site_id": "site"}, SITE_FORM),
    ("admin.import_comments", "POST"): ({"site_id": "site"}, {"format": "disqus", "file": UPLOAD}),
    ("admin.export_comments", "GET"): ({"site_id": "site"}, None),
    ("admin.bans", "GET"): ({}, None),
    ("admin.new_ban", "GET"): ({}, None),
    ("admin.new_ban", "POST"): ({}, {"target": "victim@example.org", "site": "site", "reason": ""}),
    ("admin.delete_ban", "POST"): ({"ban_id": "ban"}, {}),
    ("admin.audit_log", "GET"): ({}, None),
    ("admin.logout", "POST"): ({}, {}),
    ("admin.commenter", "GET"): ({"account_id": "account"}, None),
    ("admin.ban_commenter", "POST"): ({"account_id": "account"}, {"pending": "spam"}),
    ("admin.unban_commenter", "POST"): ({"account_id": "banned_account"}, {}),
    ("admin.rotate_sso_secret", "POST"): ({"site_id": "site"}, {"confirm": "y"}),
}
PUBLIC = {("admin.login", "GET"), ("admin.login", "POST")}

# What a moderator of `site` gets when a request names the other site's objects.
FOREIGN_CASES = [
    ("admin.moderate_comment", "POST", {}, 404),
    ("admin.bulk_moderate", "POST", {}, 404),
    ("admin.edit_comment", "GET", {}, 404),
    ("admin.edit_comment", "POST", {}, 404),
    ("admin.thread_state", "POST", {}, 404),
    ("admin.site", "GET", {}, 404),
    ("admin.site", "POST", {}, 404),
    ("admin.delete_ban", "POST", {}, 404),
    ("admin.delete_ban", "POST", {"ban": "global_ban"}, 403),
    ("admin.import_comments", "POST", {}, 403),  # superadmins only, whichever site
    ("admin.export_comments", "GET", {}, 403),
    ("admin.new_site", "GET", {}, 403),
    ("admin.new_site", "POST", {}, 403),
    ("admin.new_ban", "GET", {"?comment": "comment"}, 404),
    ("admin.new_ban", "POST", {}, 422),  # the other site is not among the choices
    ("admin.queue", "GET", {"?site": "site"}, 404),
    ("admin.queue", "GET", {"?thread": "thread"}, 404),
    ("admin.threads", "GET", {"?site": "site"}, 404),
    ("admin.audit_log", "GET", {"?site": "site"}, 404),
    ("admin.commenter", "GET", {}, 404),
    ("admin.ban_commenter", "POST", {}, 404),
    ("admin.unban_commenter", "POST", {}, 404),
    ("admin.queue", "GET", {"?account": "account"}, 404),
    ("admin.rotate_sso_secret", "POST", {}, 404),
]
# Pages that take no ids, whose lists must leave the other site out (test below).
LISTINGS = {"admin.overview", "admin.queue", "admin.threads", "admin.sites", "admin.bans",
            "admin.audit_log", "admin.new_ban"}


@pytest.fixture
def foreign(app, other_site, superadmin):
    """Objects of the other site, which the moderator of `site` must never reach."""
    thread = make_thread(other_site, url=OTHER_ARTICLE, title="Secret thread")
    comment = pending(thread, "Secret pending text", email="secret@other.example")
    ban = Ban(site_id=other_site.id, email="banned@other.example", created_by_id=superadmin.id)
    global_ban = Ban(site_id=None, email="everywhere@example.org", created_by_id=superadmin.id)
    db.session.add_all([ban, global_ban])
    db.session.add(AuditEntry(admin_id=superadmin.id, action="approve", site_id=other_site.id,
                              details="secret audit detail"))
    account = Account(site_id=other_site.id, display_name="Secret member", name_skeleton="x",
                      name_shape="x")
    banned_account = Account(site_id=other_site.id, display_name="Banned member",
                             name_skeleton="y", name_shape="y", banned_at=utcnow())
    db.session.add_all([account, banned_account])
    db.session.commit()
    comment.account_id = account.id
    db.session.commit()
    return {"site": other_site.id, "thread": thread.id, "comment": comment.id, "ban": ban.id,
            "global_ban": global_ban.id, "account": account.id,
            "banned_account": banned_account.id}


def snapshot():
    """Everything an admin action could change."""
    return {
        "comments": db.session.execute(select(Comment.id, Comment.status, Comment.text)).all(),
        "threads": db.session.execute(select(Thread.id, Thread.closed, Thread.version)).all(),
        "sites": db.session.execute(select(Site.id, Site.name, Site.allowed_origins,
                                           Site.comments_open, Site.moderation)).all(),
        "bans": db.session.execute(select(Ban.id, Ban.email)).all(),
        "audit": db.session.execute(select(AuditEntry.id)).all(),
        "accounts": db.session.execute(select(Account.id, Account.banned_at)).all(),
        "sso": db.session.execute(select(Site.id, Site.sso_secret, Site.commenters,
                                         Site.trusted_after)).all(),
    }


def build_request(endpoint, method, ids, overrides=None):
    overrides = overrides or {}
    path_ids, form = ROUTES[(endpoint, method)]
    values = {arg: ids[overrides.get(name, name)] for arg, name in path_ids.items()}
    values.update({key[1:]: ids[name] for key, name in overrides.items() if key.startswith("?")})
    data = None
    if form is not None:
        data = {key: value if value is UPLOAD else str(ids[value]) if value in ids else value
                for key, value in form.items()}
    return url_for(endpoint, **values), data


def sent(data):
    """The form to post: a file is read (and closed) by the request, so each gets its own."""
    return {key: (BytesIO(DISQUS_FIXTURE.read_bytes()), DISQUS_FIXTURE.name) if value is UPLOAD
            else value for key, value in data.items()}


def test_the_tables_cover_every_admin_route(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.startswith("admin.")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(ROUTES) | PUBLIC
    named = {(endpoint, method) for endpoint, method, _, _ in FOREIGN_CASES}
    with_ids = {route for route, (path_ids, _) in ROUTES.items() if path_ids}
    assert with_ids <= named, "every route with an id in its path needs a foreign-ID case"
    assert {endpoint for endpoint, _ in set(ROUTES) - named} <= LISTINGS | {"admin.logout"}


@pytest.mark.parametrize("endpoint, method", sorted(ROUTES))
def test_anonymous_visitors_are_sent_to_sign_in(client, foreign, endpoint, method):
    url, data = build_request(endpoint, method, foreign)
    before = snapshot()
    board = Dashboard(client)  # not signed in, but holds a valid CSRF token
    if method == "GET":
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
        as_json = client.get(url, headers={"Accept": "application/json"})
        assert as_json.status_code == 401
        assert as_json.json["message"] == "Sign in to the dashboard first."
    else:
        assert client.post(url, data=sent(data)).status_code == 400  # no CSRF token
        response = board.post(url, data=sent(data))
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/login"
        as_json = board.post(url, data=sent(data), headers={"Accept": "application/json"})
        assert as_json.status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize("endpoint, method, overrides, status", FOREIGN_CASES)
def test_a_moderator_cannot_reach_another_sites_data(moderator_board, foreign, endpoint, method,
                                                     overrides, status):
    url, data = build_request(endpoint, method, foreign, overrides)
    before = snapshot()
    if method == "GET":
        response = moderator_board.get(url)
    else:
        response = moderator_board.post(url, data=sent(data))
    assert response.status_code == status, response.text
    assert snapshot() == before


def test_listings_leave_other_sites_out(moderator_board, foreign, site):
    own_thread = make_thread(site)
    pending(own_thread, "Own pending text")
    for endpoint in sorted(LISTINGS):
        for status in ("pending", "all"):
            response = moderator_board.get(url_for(endpoint, status=status))
            assert response.status_code == 200
            for secret in ("Secret pending text", "secret@other.example", "Secret thread",
                           "Other", "banned@other.example", "secret audit detail",
                           "Secret member", "Banned member"):
                assert secret not in response.text, (endpoint, secret)
    assert "Own pending text" in moderator_board.get(url_for("admin.queue")).text


def test_a_moderator_sees_bans_on_all_sites_but_cannot_lift_them(moderator_board, foreign):
    page = moderator_board.get("/admin/bans")
    assert "everywhere@example.org" in page.text
    assert f'/admin/bans/{foreign["global_ban"]}/delete' not in page.text


def test_a_moderator_can_act_on_their_own_site(moderator_board, site, foreign):
    comment = pending(make_thread(site), "Own pending text")
    response = moderator_board.post(f"/admin/comments/{comment.id}/moderate",
                                    data={"action": "approve"})
    assert response.status_code == 303
    assert db.session.get(Comment, comment.id).status == "approved"


def test_a_superadmin_reaches_every_site(dashboard, foreign):
    assert dashboard.get(f"/admin/sites/{foreign['site']}").status_code == 200
    assert "Secret pending text" in dashboard.get("/admin/comments").text
