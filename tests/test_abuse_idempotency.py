"""One submit, one comment: double clicks, retries and racing identical requests."""

import threading

import httpx
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, Thread

from .abuse_helpers import JSON, LiveServer, comment_fields, fresh_token, live_app, post, thread_path
from .conftest import form_token


def count():
    return db.session.scalar(select(func.count(Comment.id)))


def test_a_double_click_stores_one_comment_and_answers_the_same(client, site):
    fields = comment_fields(fresh_token(client, site.key), "Only once, please")
    first = post(client, site.key, fields)
    second = post(client, site.key, fields)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count() == 1
    assert db.session.scalar(select(Thread.version)) == 2  # bumped once


def test_a_retried_inline_post_gets_the_same_json(client, site):
    fields = comment_fields(fresh_token(client, site.key), "Retried by the browser")
    first = post(client, site.key, fields, headers=JSON)
    second = post(client, site.key, fields, headers=JSON)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert count() == 1


def test_a_repeat_of_a_held_submit_gets_the_same_neutral_answer(client, site):
    """The guard judged the first request; a repeat returns that result unchanged."""
    fields = comment_fields(fresh_token(client, site.key), "held once", subject="bot!")
    first = post(client, site.key, fields, headers=JSON)
    second = post(client, site.key, fields, headers=JSON)
    assert first.json == second.json and first.json["status"] == "pending"
    assert count() == 1


def test_one_rendered_form_can_still_post_different_comments(client, site):
    """The inline script reuses the page's form (and its nonce) for every comment."""
    token = fresh_token(client, site.key)
    first = post(client, site.key, comment_fields(token, "First thought"), headers=JSON)
    reply = post(client, site.key, comment_fields(token, "A reply", parent=str(first.json["id"])),
                 headers=JSON)
    second = post(client, site.key, comment_fields(token, "Second thought"), headers=JSON)
    assert len({first.json["id"], reply.json["id"], second.json["id"]}) == 3
    assert count() == 3


def test_two_forms_with_the_same_text_make_two_comments(client, site):
    for _ in range(2):
        post(client, site.key, comment_fields(fresh_token(client, site.key), "+1"))
    assert count() == 2


def test_concurrent_identical_submits_store_one_comment(app, database, site, tmp_path):
    """Eight copies of one submit race through a real threaded server at once."""
    site_key = site.key  # the threads have no app context
    server = LiveServer(live_app(database, tmp_path))
    try:
        with httpx.Client(base_url=server.url) as http:
            page = http.get(thread_path(site_key))
            token = form_token(page.text)
        fields = comment_fields(token, "Pressed eight times")
        barrier = threading.Barrier(8)
        answers = [None] * 8

        def submit(index):
            with httpx.Client(base_url=server.url, timeout=30) as http:
                barrier.wait()
                answers[index] = http.post(thread_path(site_key), data=fields, headers=JSON)

        threads = [threading.Thread(target=submit, args=(index,)) for index in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
        with server.app.app_context():
            db.engine.dispose()
    assert [answer.status_code for answer in answers] == [201] * 8
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert count() == 1
    assert db.session.scalar(select(func.count(Thread.id))) == 1

