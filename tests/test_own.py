"""Authors edit and delete their own comments, with the token given when they posted."""

import re

import pytest

from tests.commenting import JSON, action_path, page_token, post_form, post_json, thread_path
from tests.conftest import make_comment, make_thread
from widget.extensions import db
from widget.models import Comment, CommentStatus, ModerationMode, Thread


def edit(client, site, comment_id, token, text, **headers):
    return client.post(action_path(site, f"c/{comment_id}/edit"),
                       data={"csrf_token": page_token(client, site), "edit_token": token,
                             "text": text},
                       headers={**JSON, **headers})


def delete(client, site, comment_id, token):
    return client.post(action_path(site, f"c/{comment_id}/delete"),
                       data={"csrf_token": page_token(client, site), "edit_token": token},
                       headers=JSON)


def version_of(comment_id):
    db.session.expire_all()
    return db.session.get(Comment, comment_id).thread.version


def test_post_returns_a_token_that_edits_the_comment(client, site):
    posted = post_json(client, site, text="Frist")
    assert posted.status_code == 201
    body = posted.get_json()
    assert body["edit_token"] and body["editable_until"].endswith("Z")
    version = version_of(body["id"])

    response = edit(client, site, body["id"], body["edit_token"], "First, *fixed*")
    assert response.status_code == 200
    assert "<em>fixed</em>" in response.get_json()["html"]
    assert "edited" in response.get_json()["html"]
    comment = db.session.get(Comment, body["id"])
    assert comment.text == "First, *fixed*" and comment.html == "<p>First, <em>fixed</em></p>"
    assert comment.edited_at is not None
    assert version_of(body["id"]) == version + 1
    page = client.get(thread_path(site)).get_data(as_text=True)
    assert 'class="comment-edited"' in page and "First, <em>fixed</em>" in page


def test_an_edit_is_sanitized_again(client, site):
    body = post_json(client, site, text="harmless").get_json()
    edit(client, site, body["id"], body["edit_token"],
         '<script>alert(1)</script> [x](javascript:alert(1)) https://spam.example.com')
    html = db.session.get(Comment, body["id"]).html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


@pytest.mark.parametrize("text, message", [
    ("", "Please write a comment."),
    ("x" * 10_001, "the limit is 10,000"),
])
def test_an_edit_goes_through_the_same_validation(client, site, text, message):
    body = post_json(client, site, text="Original").get_json()
    response = edit(client, site, body["id"], body["edit_token"], text)
    assert response.status_code == 422
    assert message in " ".join(response.get_json()["errors"]["text"])
    db.session.expire_all()
    comment = db.session.get(Comment, body["id"])
    assert comment.text == "Original" and comment.edited_at is None


def test_an_edit_needs_the_form_token_and_our_origin(client, site):
    body = post_json(client, site).get_json()
    no_token = client.post(action_path(site, f"c/{body['id']}/edit"),
                           data={"edit_token": body["edit_token"], "text": "changed"},
                           headers=JSON)
    assert no_token.status_code == 422
    foreign = edit(client, site, body["id"], body["edit_token"], "changed",
                   Origin="https://evil.example")
    assert foreign.status_code == 403
    db.session.expire_all()
    assert db.session.get(Comment, body["id"]).text == "Hello"


def test_another_browser_cannot_edit_or_delete(app, site):
    body = post_json(app.test_client(), site).get_json()
    stranger = app.test_client()  # no session, no token
    for response in (edit(stranger, site, body["id"], "", "pwned"),
                     delete(stranger, site, body["id"], "")):
        assert response.status_code == 403
        assert "browser it was posted from" in response.get_json()["message"]
    db.session.expire_all()
    comment = db.session.get(Comment, body["id"])
    assert comment.text == "Hello" and comment.status == CommentStatus.APPROVED


def test_a_token_works_for_its_own_comment_only(client, site):
    first = post_json(client, site, text="one").get_json()
    second = post_json(client, site, text="two").get_json()
    response = edit(client, site, second["id"], first["edit_token"], "hijacked")
    assert response.status_code == 403
    assert db.session.get(Comment, second["id"]).text == "two"


def test_a_forged_token_is_refused(client, site):
    body = post_json(client, site).get_json()
    forged = body["edit_token"][:-2] + ("AA" if not body["edit_token"].endswith("AA") else "BB")
    assert edit(client, site, body["id"], forged, "changed").status_code == 403


def test_after_the_window_the_endpoints_refuse(app, client, site):
    body = post_json(client, site).get_json()
    app.config["EDIT_WINDOW"] = 0
    for response in (edit(client, site, body["id"], body["edit_token"], "late"),
                     delete(client, site, body["id"], body["edit_token"])):
        assert response.status_code == 403
        assert "first 0 minutes after posting" in response.get_json()["message"]
    page = client.get(thread_path(site)).get_data(as_text=True)
    assert "own-notice" not in page  # no controls once the window has passed
    db.session.expire_all()
    assert db.session.get(Comment, body["id"]).status == CommentStatus.APPROVED


def test_a_comment_of_another_thread_is_not_found(client, site):
    thread = make_thread(site, url="https://blog.example.com/other")
    other = make_comment(thread)
    body = post_json(client, site).get_json()
    response = edit(client, site, other.id, body["edit_token"], "x")
    assert response.status_code == 404


def test_an_edit_by_a_first_time_commenter_goes_back_to_moderation(client, site):
    site.moderation = ModerationMode.FIRST
    db.session.commit()
    body = post_json(client, site, text="harmless", email="new@example.com").get_json()
    assert body["status"] == "pending"
    comment = db.session.get(Comment, body["id"])
    comment.status = CommentStatus.APPROVED  # a moderator approves the harmless comment
    db.session.commit()

    response = edit(client, site, body["id"], body["edit_token"], "buy https://spam.example")
    assert response.get_json()["status"] == "pending"
    db.session.expire_all()
    assert db.session.get(Comment, body["id"]).status == CommentStatus.PENDING


def test_a_known_commenter_keeps_approval_on_edit(client, site):
    site.moderation = ModerationMode.FIRST
    db.session.commit()
    make_comment(make_thread(site, url="https://blog.example.com/old"), email="known@example.com")
    body = post_json(client, site, text="hi", email="known@example.com").get_json()
    assert body["status"] == "approved"
    response = edit(client, site, body["id"], body["edit_token"], "hi again")
    assert response.get_json()["status"] == "approved"


def test_deleting_keeps_a_placeholder_while_there_are_replies(client, site):
    parent = post_json(client, site, text="parent").get_json()
    post_json(client, site, text="reply", name="Bob", parent=str(parent["id"]))
    lonely = post_json(client, site, text="lonely").get_json()
    version = version_of(parent["id"])

    response = delete(client, site, parent["id"], parent["edit_token"])
    assert response.status_code == 200
    assert response.get_json() == {"id": parent["id"], "status": "deleted", "placeholder": True}
    assert version_of(parent["id"]) == version + 1
    assert delete(client, site, lonely["id"], lonely["edit_token"]).get_json()["placeholder"] is False

    page = client.get(thread_path(site)).get_data(as_text=True)
    assert "[deleted]" in page and "reply" in page
    assert "lonely" not in page and ">parent<" not in page
    assert "1 comment" in page
    # a deleted comment cannot be edited back to life
    assert edit(client, site, parent["id"], parent["edit_token"], "back").status_code == 403


def test_without_javascript_the_session_keeps_the_token(client, site):
    response = post_form(client, site, text="no script")
    assert response.status_code == 303
    comment_id = int(re.search(r"#c-(\d+)", response.headers["Location"]).group(1))

    page = client.get(thread_path(site)).get_data(as_text=True)
    assert 'class="own-notice"' in page
    edit_url = re.search(r'href="([^"]*/c/%d/edit[^"]*)"' % comment_id, page).group(1)
    edit_page = client.get(edit_url.replace("&amp;", "&")).get_data(as_text=True)
    assert "no script</textarea>" in edit_page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', edit_page).group(1)

    saved = client.post(action_path(site, f"c/{comment_id}/edit"),
                        data={"csrf_token": token, "text": "no script, edited"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"#c-{comment_id}")
    assert db.session.get(Comment, comment_id).text == "no script, edited"

    refused = client.post(action_path(site, f"c/{comment_id}/edit"),
                          data={"csrf_token": token, "text": ""})
    assert refused.status_code == 422
    assert "Please write a comment." in refused.get_data(as_text=True)

    deleted = client.post(action_path(site, f"c/{comment_id}/delete"), data={"csrf_token": token})
    assert deleted.status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, comment_id).status == CommentStatus.DELETED


def test_the_edit_page_refuses_another_browser_with_a_page(app, site):
    response = post_form(app.test_client(), site)
    comment_id = int(re.search(r"#c-(\d+)", response.headers["Location"]).group(1))
    refused = app.test_client().get(action_path(site, f"c/{comment_id}/edit"))
    assert refused.status_code == 403
    assert "browser it was posted from" in refused.get_data(as_text=True)


def test_json_edit_source_needs_the_token(client, site):
    body = post_json(client, site, text="*source*").get_json()
    response = client.get(action_path(site, f"c/{body['id']}/edit"),
                          headers={**JSON, "X-Edit-Token": body["edit_token"]})
    assert response.get_json()["text"] == "*source*"
    assert db.session.scalar(db.select(Thread.version)) >= 1


def test_the_loaders_list_of_own_comments_vouches_within_the_window(app, site):
    """Where the frame keeps neither storage nor cookies, embed.js hands back `own=`."""
    body = post_json(app.test_client(), site, text="mine").get_json()
    no_cookies = app.test_client(use_cookies=False)
    path = action_path(site, f"c/{body['id']}/edit") + f"&own={body['own']}"
    page = no_cookies.get(thread_path(site, own=body["own"])).get_data(as_text=True)
    assert f'data-own-comment="{body["id"]}"' in page
    response = no_cookies.post(path, headers=JSON, data={
        "csrf_token": page_token(no_cookies, site), "text": "mine, edited"})
    assert response.status_code == 200
    assert db.session.get(Comment, body["id"]).text == "mine, edited"

    someone_else = post_json(app.test_client(), site, text="theirs").get_json()
    refused = no_cookies.post(action_path(site, f"c/{someone_else['id']}/edit")
                              + f"&own={body['own']}", headers=JSON,
                              data={"csrf_token": page_token(no_cookies, site), "text": "x"})
    assert refused.status_code == 403

    app.config["EDIT_WINDOW"] = 0
    late = no_cookies.post(path, headers=JSON, data={
        "csrf_token": page_token(no_cookies, site), "text": "too late"})
    assert late.status_code == 403
