"""The public API: a thread as the page shows it, and posting, editing, deleting, liking
and counting with the form's rules (checks, idempotency, moderation, origins)."""

import pytest
from sqlalchemy import func, select

from tests.accounts.helpers import sign_in_sso
from tests.api.conftest import HOST, api, fetch_token, post
from tests.conftest import ARTICLE, make_comment, make_site, make_thread
from widget.extensions import db
from widget.models import Comment, CommentLike, CommentStatus, ModerationMode


def comment_count():
    return db.session.scalar(select(func.count(Comment.id)))


def test_thread_reads_like_the_page(client, site):
    thread = make_thread(site)
    first = make_comment(thread, "**First**", website="https://ann.example")
    reply = make_comment(thread, "A reply", parent=first, author="Bob")
    make_comment(thread, "Held back", status=CommentStatus.PENDING)
    gone = make_comment(thread, "Gone", status=CommentStatus.DELETED)
    make_comment(thread, "Under a deleted one", parent=gone)
    response = client.get(api(site, "/thread"))
    assert response.status_code == 200
    body = response.json
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1
    assert body["sort"] == "oldest" and body["closed"] is False
    shown = [(c["id"], c["depth"], c["status"]) for c in body["comments"]]
    assert shown[:2] == [(first.id, 0, "approved"), (reply.id, 1, "approved")]
    assert shown[2] == (gone.id, 0, "deleted")
    assert body["comments"][0]["html"] == first.html and "<strong>" in first.html
    assert body["comments"][0]["website"] == "https://ann.example"
    assert body["comments"][2]["html"] == "" and body["comments"][2]["author"] is None
    assert "Held back" not in response.text
    assert "email" not in body["comments"][0]


def test_thread_sorts_and_pages(client, site, app):
    app.config["THREAD_PAGE_SIZE"] = 2
    thread = make_thread(site)
    ids = [make_comment(thread, f"Comment {n}").id for n in range(3)]
    newest = client.get(api(site, "/thread") + "&sort=newest").json
    assert [c["id"] for c in newest["comments"]] == ids[::-1][:2] and newest["pages"] == 2
    second = client.get(api(site, "/thread") + "&page=2").json
    assert [c["id"] for c in second["comments"]] == ids[2:] and second["page"] == 2


@pytest.mark.parametrize(("path", "status", "field"), [
    ("/api/v1/sites/nosuchsite/thread?url=https://blog.example.com/x", 404, None),
    ("/api/v1/sites/{key}/thread?url=https://elsewhere.example/x", 403, None),
    ("/api/v1/sites/{key}/thread?url=not-a-url", 400, None),
    ("/api/v1/sites/{key}/thread", 422, "url"),
    ("/api/v1/sites/{key}/thread?url=https://blog.example.com/x&sort=best", 422, "sort"),
])
def test_thread_refusals_are_json(client, site, path, status, field):
    response = client.get(path.format(key=site.key))
    assert response.status_code == status
    assert response.json["message"]
    if field:
        assert field in response.json["errors"]


def test_post_read_edit_delete(client, site):
    response = post(client, site, "Hello *there*", headers={"Origin": HOST})
    assert response.status_code == 201, response.json
    posted = response.json
    assert posted["status"] == "approved" and "<em>there</em>" in posted["html"]
    path = f"/api/v1/sites/{site.key}/comments/{posted['id']}"
    assert response.headers["Location"].endswith(path)
    assert response.headers["Access-Control-Allow-Origin"] == HOST
    one = client.get(path)
    assert one.status_code == 200 and one.json["html"] == posted["html"]
    thread = client.get(api(site, "/thread")).json
    assert [c["id"] for c in thread["comments"]] == [posted["id"]]

    refused = client.patch(path, json={"text": "Changed"})
    assert refused.status_code == 403 and refused.json["message"]
    owner = {"X-Edit-Token": posted["edit_token"]}
    edited = client.patch(path, json={"text": "Changed"}, headers=owner)
    assert edited.status_code == 200 and "Changed" in edited.json["html"]
    assert db.session.get(Comment, posted["id"]).edited_at is not None
    empty = client.patch(path, json={"text": "  "}, headers=owner)
    assert empty.status_code == 422 and "text" in empty.json["errors"]
    assert db.session.get(Comment, posted["id"]).text == "Changed"

    assert client.delete(path).status_code == 403
    deleted = client.delete(path, headers=owner)
    assert deleted.status_code == 200
    assert deleted.json == {"id": posted["id"], "status": "deleted", "placeholder": False}
    assert client.get(path).status_code == 404


def test_reply_and_idempotent_retry(client, site):
    parent = post(client, site, "Parent").json
    token = fetch_token(client, site)
    first = post(client, site, "A reply", token=token, parent_id=parent["id"])
    again = post(client, site, "A reply", token=token, parent_id=parent["id"])
    assert first.status_code == again.status_code == 201
    assert first.json["id"] == again.json["id"]
    assert db.session.get(Comment, first.json["id"]).parent_id == parent["id"]
    assert comment_count() == 2


def test_post_refusals_per_field_change_nothing(client, site):
    response = post(client, site, "", name="", email="not-an-email", website="javascript:x")
    assert response.status_code == 422
    assert {"name", "text", "email", "website"} <= set(response.json["errors"])
    forged = post(client, site, "Hi", token="forged")
    assert forged.status_code == 422 and "token" in forged.json["errors"]
    other_thread = post(client, site, "Hi", token=fetch_token(client, site, ARTICLE + "-2"))
    assert other_thread.status_code == 422 and "token" in other_thread.json["errors"]
    unknown_parent = post(client, site, "Hi", parent_id=99999)
    assert unknown_parent.status_code == 422 and "parent_id" in unknown_parent.json["errors"]
    not_json = client.post(api(site, "/comments"), data="x", content_type="text/plain")
    assert not_json.status_code in (415, 422)
    assert comment_count() == 0


def test_post_from_another_origin_is_refused(client, site):
    response = post(client, site, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
    assert comment_count() == 0


def test_preflight_allows_only_the_sites_origins(client, site):
    ok = client.options(api(site, "/comments"), headers={
        "Origin": HOST, "Access-Control-Request-Method": "POST"})
    assert ok.headers["Access-Control-Allow-Origin"] == HOST
    assert "X-Edit-Token" in ok.headers["Access-Control-Allow-Headers"]
    refused = client.options(api(site, "/comments"), headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "Access-Control-Allow-Origin" not in refused.headers


def test_moderated_site_holds_the_post(client, app):
    site = make_site(moderation=ModerationMode.ALL)
    response = post(client, site)
    assert response.status_code == 201
    assert response.json["status"] == "pending" and response.json["message"]
    path = f"/api/v1/sites/{site.key}/comments/{response.json['id']}"
    assert client.get(path).status_code == 404
    own = client.get(path, headers={"X-Edit-Token": response.json["edit_token"]})
    assert own.status_code == 200 and own.json["status"] == "pending"
    assert client.get(api(site, "/thread")).json["comments"] == []


def test_too_fast_is_held_like_the_form(client, site, app):
    app.config["COMMENT_MIN_SECONDS"] = 60
    response = post(client, site)
    assert response.status_code == 201 and response.json["status"] == "pending"
    assert db.session.get(Comment, response.json["id"]).status == CommentStatus.SPAM


def test_signed_in_commenter_via_header(client, site):
    account_token = sign_in_sso(client, site, sub="7", name="Kevin")
    response = post(client, site, name="Someone else", headers={"X-Widget-Account": account_token})
    assert response.status_code == 201, response.json
    comment = db.session.get(Comment, response.json["id"])
    assert comment.author == "Kevin" and comment.account_id is not None
    thread = client.get(api(site, "/thread")).json
    assert thread["comments"][0]["verified"] is True


def test_signed_in_only_site_refuses_anonymous(client, app):
    from widget.models import Commenters

    site = make_site(commenters=Commenters.SIGNED_IN)
    response = post(client, site)
    assert response.status_code == 403 and response.json["message"]
    assert comment_count() == 0


def test_like_and_unlike(client, site):
    comment = make_comment(make_thread(site))
    path = f"/api/v1/sites/{site.key}/comments/{comment.id}/like"
    visitor = "v" * 20
    liked = client.post(path, json={"visitor": visitor})
    assert liked.status_code == 200
    assert liked.json == {"comment": comment.id, "count": 1, "liked": True}
    assert client.post(path, json={"visitor": visitor}).json["count"] == 1
    unliked = client.post(path, json={"visitor": visitor, "action": "unlike"})
    assert unliked.json == {"comment": comment.id, "count": 0, "liked": False}
    assert db.session.scalar(select(func.count(CommentLike.id))) == 0
    assert client.post(path, json={"visitor": "short"}).status_code == 422


def test_like_refused_where_likes_are_off(client, app):
    site = make_site(likes_enabled=False)
    comment = make_comment(make_thread(site))
    response = client.post(f"/api/v1/sites/{site.key}/comments/{comment.id}/like", json={})
    assert response.status_code == 403 and response.json["message"]


def test_counts_match_the_counts_api(client, site):
    thread = make_thread(site)
    make_comment(thread)
    make_comment(thread, status=CommentStatus.PENDING)
    urls = [ARTICLE, ARTICLE + "?utm_source=x", "https://blog.example.com/none"]
    query = "&".join(f"url={u}" for u in urls)
    ours = client.get(f"/api/v1/sites/{site.key}/counts?{query}")
    theirs = client.get(f"/api/counts?site={site.key}&{query}")
    assert ours.status_code == 200 and ours.json == theirs.json
    assert [ours.json["counts"][url] for url in urls] == [1, 1, 0]
    assert client.get(f"/api/v1/sites/{site.key}/counts").status_code == 422


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "RATELIMIT_POST": "1 per minute"}])
def test_post_limit_answers_429_json(client, site):
    assert post(client, site).status_code == 201
    limited = post(client, site, "Another")
    assert limited.status_code == 429 and limited.json["message"]
    assert comment_count() == 1


def test_the_api_reads_no_cookie(client, site):
    """Signed in by the thread page (its cookie is in this client), the API still sees an
    anonymous caller unless the token comes in the header."""
    sign_in_sso(client, site, sub="7", name="Kevin")
    response = post(client, site, name="Ann")
    assert response.status_code == 201
    comment = db.session.get(Comment, response.json["id"])
    assert comment.author == "Ann" and comment.account_id is None


def test_signed_in_author_deletes_without_edit_token(client, site):
    account_token = sign_in_sso(client, site, sub="7", name="Kevin")
    account = {"X-Widget-Account": account_token}
    posted = post(client, site, headers=account).json
    path = f"/api/v1/sites/{site.key}/comments/{posted['id']}"
    assert client.delete(path).status_code == 403
    assert client.delete(path, headers=account).status_code == 200
    assert db.session.get(Comment, posted["id"]).status == CommentStatus.DELETED
