"""Limits: body size, reply depth, field lengths and characters; never a 500."""

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, Thread

from .abuse_helpers import JSON, comment_fields, fresh_token, post, post_new, thread_path
from .conftest import make_comment, make_thread


def count():
    return db.session.scalar(select(func.count(Comment.id)))


# --- request body cap -----------------------------------------------------------------------

@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_an_oversized_post_is_a_clear_413(client, site):
    token = fresh_token(client, site.key)
    response = post(client, site.key, comment_fields(token, "x" * 5000))
    assert response.status_code == 413
    assert "larger than the 4 KiB this service accepts" in response.text
    assert "Please shorten your comment" in response.text
    assert count() == 0
    response = post(client, site.key, comment_fields(token, "x" * 5000), headers=JSON)
    assert response.status_code == 413
    assert response.json["error"] == "Too large"
    assert "4 KiB" in response.json["message"]


def test_the_default_body_cap_is_above_the_longest_comment(app):
    longest = app.config["COMMENT_MAX_LENGTH"] * 4 * 3  # UTF-8, then percent-encoded
    assert app.config["MAX_CONTENT_LENGTH"] >= longest


# --- reply depth --------------------------------------------------------------------------

def chain(thread, depth):
    """Comments nested `depth` levels deep (level 0 is a top-level comment)."""
    comments = [make_comment(thread, "level 0", author="L0")]
    for level in range(1, depth + 1):
        comments.append(make_comment(thread, f"level {level}", parent=comments[-1],
                                     author=f"L{level}"))
    return comments


@pytest.mark.parametrize("app_config", [{"MAX_DEPTH": 2}])
def test_a_reply_past_the_depth_cap_attaches_to_the_deepest_allowed_ancestor(client, site):
    thread = make_thread(site)
    levels = chain(thread, 2)
    token = fresh_token(client, site.key)
    response = post(client, site.key,
                    comment_fields(token, "answering level 2", name="Deep", parent=str(levels[2].id)))
    assert response.status_code == 303
    reply = db.session.scalar(select(Comment).where(Comment.author == "Deep"))
    assert reply.parent_id == levels[1].id  # a sibling of the comment it answers
    assert reply.reply_to_id == levels[2].id
    page = client.get(thread_path(site.key)).text
    assert f'id=c-{reply.id} data-parent={levels[1].id}>' in page
    assert (f'<a class=comment-reply-to href=#c-{levels[2].id}>in reply to @<bdi>L2</bdi></a>'
            in page)  # the name isolated, so it reads in its own direction


@pytest.mark.parametrize("app_config", [{"MAX_DEPTH": 2}])
def test_replies_within_the_cap_nest_normally_without_a_reply_to_link(client, site):
    thread = make_thread(site)
    levels = chain(thread, 1)
    token = fresh_token(client, site.key)
    post(client, site.key, comment_fields(token, "level 2 reply", name="Ok", parent=str(levels[1].id)))
    reply = db.session.scalar(select(Comment).where(Comment.author == "Ok"))
    assert reply.parent_id == reply.reply_to_id == levels[1].id
    assert "comment-reply-to" not in client.get(thread_path(site.key)).text


@pytest.mark.parametrize("app_config", [{"MAX_DEPTH": 0}])
def test_depth_zero_makes_a_flat_thread(client, site):
    thread = make_thread(site)
    root = make_comment(thread, "root", author="Root")
    token = fresh_token(client, site.key)
    post(client, site.key, comment_fields(token, "flat", name="Flat", parent=str(root.id)))
    reply = db.session.scalar(select(Comment).where(Comment.author == "Flat"))
    assert reply.parent_id is None and reply.reply_to_id == root.id
    assert "in reply to @<bdi>Root</bdi>" in client.get(thread_path(site.key)).text


def test_the_default_depth_cap_applies_to_a_long_chain(client, site, app):
    thread = make_thread(site)
    levels = chain(thread, app.config["MAX_DEPTH"])
    token = fresh_token(client, site.key)
    post(client, site.key, comment_fields(token, "too deep", name="Z", parent=str(levels[-1].id)))
    reply = db.session.scalar(select(Comment).where(Comment.author == "Z"))
    assert reply.parent_id == levels[-2].id and reply.reply_to_id == levels[-1].id


def test_a_reply_to_another_threads_comment_is_refused(client, site):
    other = make_thread(site, url="https://blog.example.com/other")
    stranger = make_comment(other, "elsewhere")
    response = post_new(client, site.key, "sneaky", parent=str(stranger.id))
    assert response.status_code == 422
    assert "does not exist" in response.text
    assert count() == 1


# --- field lengths and characters ------------------------------------------------------------

@pytest.mark.parametrize("fields, field_name, message", [
    ({"name": "x" * 101}, "name", "Field cannot be longer than 100 characters."),
    ({"name": "Ann\x00"}, "name", "Please remove the control characters from this field."),
    ({"name": "Ann\x1b[31m"}, "name", "Please remove the control characters from this field."),
    ({"name": "evil\u202egnp.exe"}, "name", "Please remove the control characters"),
    ({"name": " \u3000 "}, "name", "Please enter your name."),
    ({"email": "a" * 250 + "@example.org"}, "email", "Field cannot be longer than 254"),
    ({"email": "ann@exa\x00mple.org"}, "email", "Please enter a valid email address."),
    ({"website": "https://example.org/" + "a" * 490}, "website", "Field cannot be longer than 500"),
    ({"website": "https://example.org/\x07"}, "website", "control characters"),
    ({"website": "https://example.org/a b"}, "website", "cannot contain spaces"),
    ({"website": "javascript:alert(1)"}, "website", "starting with http:// or https://"),
    ({"text": "\x00\x01\x02"}, "text", "Please write a comment."),
    ({"parent": "²"}, "parent", "does not exist"),
    ({"parent": "99999999999999999999"}, "parent", "does not exist"),
    ({"parent": "2147483648"}, "parent", "does not exist"),
    ({"parent": "-1"}, "parent", "does not exist"),
    ({"parent": "1.5"}, "parent", "does not exist"),
])
def test_bad_fields_are_refused_with_a_message(client, site, fields, field_name, message):
    token = fresh_token(client, site.key)
    response = post(client, site.key, {**comment_fields(token, "Kept text"), **fields},
                    headers=JSON)
    assert response.status_code == 422, response.json
    assert message in " ".join(response.json["errors"][field_name])
    assert count() == 0
    page = post(client, site.key, {**comment_fields(fresh_token(client, site.key), "Kept text"),
                                   **fields})
    assert page.status_code == 422
    kept = "Kept text" if field_name != "text" else ""
    assert kept in page.text


def test_a_reply_to_a_missing_comment_is_refused_not_a_crash(client, site):
    response = post_new(client, site.key, "to nobody", parent="2147483647", headers=JSON)
    assert response.status_code == 422
    assert response.json["errors"] == {"parent": ["The comment you are replying to does not exist."]}


def test_invisible_control_characters_are_dropped_from_the_text(client, site):
    response = post_new(client, site.key, "line one\r\nline\x00 two\x1b[2J\rthree\ttab")
    assert response.status_code == 303
    comment = db.session.scalar(select(Comment))
    assert comment.text == "line one\nline two[2J\nthree\ttab"


def test_names_keep_their_letters_emoji_and_joiners(client, site):
    name = "Zoë 👨\u200d👩\u200d👧 عمر"
    assert post_new(client, site.key, "hi", name=f"  {name}  ").status_code == 303
    assert db.session.scalar(select(Comment.author)) == name


def test_a_title_with_control_characters_is_cleaned(client, site):
    token = fresh_token(client, site.key)
    client.post(thread_path(site.key, title="Hello\x00 \x1bworld\n\n  again"),
                data=comment_fields(token, "first"))
    assert db.session.scalar(select(Thread.title)) == "Hello world again"


def test_an_overlong_article_url_is_a_400(client, site):
    response = client.get(thread_path(site.key, "https://blog.example.com/" + "a" * 2100))
    assert response.status_code == 400
    assert "longer than 2,048 characters" in response.text  # the number as English writes it
