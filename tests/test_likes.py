"""Likes: one per visitor per comment, undoable, a per-site switch; and sorting by them."""

import re

import pytest

from tests.commenting import JSON, action_path, like_form_token, page_token, thread_path
from tests.conftest import make_comment, make_thread
from widget.extensions import db
from widget.likes import set_likes_enabled
from widget.models import Comment, CommentLike, CommentStatus, Thread

VISITOR_A = "a" * 22
VISITOR_B = "b" * 22


@pytest.fixture
def thread(site):
    return make_thread(site)


def like(client, site, comment, action="like", visitor=VISITOR_A, **headers):
    return client.post(action_path(site, "like"),
                       data={"csrf_token": page_token(client, site), "comment": comment.id,
                             "action": action, "visitor": visitor},
                       headers={**JSON, **headers})


def count_of(comment):
    db.session.expire_all()
    return db.session.get(Comment, comment.id).like_count


def test_like_once_per_visitor_and_undo(client, site, thread):
    comment = make_comment(thread)
    version = thread.version
    assert like(client, site, comment).get_json() == {"comment": comment.id, "count": 1,
                                                      "liked": True}
    assert like(client, site, comment).get_json()["count"] == 1  # a second like is no-op
    assert like(client, site, comment, visitor=VISITOR_B).get_json()["count"] == 2
    assert db.session.scalar(db.select(db.func.count(CommentLike.id))) == 2
    assert db.session.get(Thread, thread.id).version > version

    undone = like(client, site, comment, action="unlike")
    assert undone.get_json() == {"comment": comment.id, "count": 1, "liked": False}
    assert like(client, site, comment, action="unlike").get_json()["count"] == 1
    assert count_of(comment) == 1
    assert f'value={comment.id}>Like <span>1</span></button>' in client.get(thread_path(site)).text


def test_stored_likes_keep_no_raw_token(client, site, thread):
    comment = make_comment(thread)
    like(client, site, comment)
    stored = db.session.scalar(db.select(CommentLike))
    assert VISITOR_A not in stored.visitor_hash and len(stored.visitor_hash) == 64


def test_without_javascript_the_button_toggles_by_ip(client, site, thread):
    comment = make_comment(thread)
    page = client.get(thread_path(site, sort="liked")).get_data(as_text=True)
    assert re.search(r'<button form=lf name=comment value=%d>' % comment.id, page)
    token = like_form_token(page)
    action = re.search(r'<form id=lf [^>]*action="([^"]+)"', page).group(1)
    action = action.replace("&amp;", "&")

    first = client.post(action, data={"csrf_token": token, "comment": comment.id,
                                      "action": "toggle"})
    assert first.status_code == 303
    assert first.headers["Location"].endswith(f"#c-{comment.id}")
    assert "sort=liked" in first.headers["Location"]
    assert count_of(comment) == 1
    client.post(action, data={"csrf_token": token, "comment": comment.id, "action": "toggle"})
    assert count_of(comment) == 0


def test_likes_per_ip_are_capped(app, client, site, thread):
    app.config["LIKES_PER_IP"] = 2
    comment = make_comment(thread)
    like(client, site, comment, visitor="1" * 20)
    like(client, site, comment, visitor="2" * 20)
    refused = like(client, site, comment, visitor="3" * 20)
    assert refused.status_code == 429
    assert "too many likes" in refused.get_json()["message"]
    assert count_of(comment) == 2


def test_a_site_can_turn_likes_off(client, site, thread):
    comment = make_comment(thread)
    version = thread.version
    set_likes_enabled(site, False)
    assert db.session.get(Thread, thread.id).version == version + 1
    page = client.get(thread_path(site, sort="liked")).get_data(as_text=True)
    assert 'form=lf ' not in page and 'id=lf ' not in page and ">Like <" not in page
    assert "Most liked" not in page
    refused = like(client, site, comment)
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "Likes are turned off on this site."
    assert count_of(comment) == 0


def test_the_sites_command_switches_likes(runner, site):
    site.key = "-starts-with-a-dash"  # keys are random URL-safe text: this happens
    db.session.commit()
    result = runner.invoke(args=["sites", "likes", "off", "--site", site.key])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(type(site), site.id).likes_enabled is False
    result = runner.invoke(args=["sites", "likes", "on", "--site", "nope"])
    assert result.exit_code != 0 and "No site" in result.output


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.DELETED])
def test_only_visible_comments_can_be_liked(client, site, thread, status):
    comment = make_comment(thread, status=status)
    assert like(client, site, comment).status_code == 404
    assert count_of(comment) == 0


def test_likes_need_the_form_token_and_our_origin(client, site, thread):
    comment = make_comment(thread)
    no_token = client.post(action_path(site, "like"), data={"comment": comment.id},
                           headers=JSON)
    assert no_token.status_code == 422
    assert like(client, site, comment, Origin="https://evil.example").status_code == 403
    other = make_comment(make_thread(site, url="https://blog.example.com/other"))
    assert like(client, site, other).status_code == 404
    bad = client.post(action_path(site, "like"),
                      data={"csrf_token": page_token(client, site), "comment": comment.id,
                            "action": "explode"}, headers=JSON)
    assert bad.status_code == 422 and "action" in bad.get_json()["errors"]
    assert count_of(comment) == 0 and count_of(other) == 0


def top_level_order(client, site, **params):
    page = client.get(thread_path(site, **params)).get_data(as_text=True)
    return [int(cid) for cid, parent in
            re.findall(r'<article class=(?:comment|"comment[^"]*") id=c-(\d+) data-parent=?(\d*)>', page)
            if not parent]


def test_sorting_top_level_comments_keeps_replies_in_order(client, site, thread):
    first = make_comment(thread, text="first")
    second = make_comment(thread, text="second")
    third = make_comment(thread, text="third")
    late_reply = make_comment(thread, text="reply 2", parent=first)
    early_reply_id = make_comment(thread, text="reply 1", parent=first).id
    for visitor in ("v" * 20, "w" * 20):
        like(client, site, second, visitor=visitor)
    like(client, site, third)

    assert top_level_order(client, site) == [first.id, second.id, third.id]
    assert top_level_order(client, site, sort="newest") == [third.id, second.id, first.id]
    assert top_level_order(client, site, sort="liked") == [second.id, third.id, first.id]
    assert top_level_order(client, site, sort="bogus") == [first.id, second.id, third.id]

    page = client.get(thread_path(site, sort="newest")).get_data(as_text=True)
    assert page.index(f'id=c-{late_reply.id} ') < page.index(f'id=c-{early_reply_id} ')
    assert re.search(r'data-sort="newest" aria-current="true"', page)
    assert 'href="/t/%s?url=' % site.key in page and "sort=liked" in page


def test_most_liked_falls_back_when_likes_are_off(client, site, thread):
    first = make_comment(thread)
    second = make_comment(thread)
    second.like_count = 5
    db.session.commit()
    set_likes_enabled(site, False)
    assert top_level_order(client, site, sort="liked") == [first.id, second.id]
