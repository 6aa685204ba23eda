"""What a post and a revalidation ask the database: statements counted on both databases,
round trips to PostgreSQL counted from libpq's trace (conftest.RoundTripCounter), so that
the write path's cuts cannot silently come undone. Counts, never timings."""

from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread

from .abuse_helpers import JSON, comment_fields, fresh_token, post, thread_path

# The site and thread, a member's name?, the submit key seen?, a ban?, the insert, the
# site's webhooks, the thread's version and count.
STATEMENTS_PER_POST = 7
# The same, between a BEGIN and a COMMIT; nothing read again after the commit.
ROUND_TRIPS_PER_POST = STATEMENTS_PER_POST + 2


def test_a_post_asks_the_database_seven_things(client, site, count_queries, count_round_trips):
    token = fresh_token(client, site.key)
    first = post(client, site.key, comment_fields(token, "The first"), headers=JSON)
    assert first.status_code == 201
    with count_queries() as queries, count_round_trips() as trips:
        response = post(client, site.key, comment_fields(token, "The second"), headers=JSON)
    assert response.status_code == 201, response.text
    assert response.json["status"] == "approved" and "The second" in response.json["html"]
    assert queries.count == STATEMENTS_PER_POST, queries.statements
    if trips is not None:  # PostgreSQL
        assert trips.count == ROUND_TRIPS_PER_POST, trips.sent
    # The same submit again is the same comment, and asks nothing more of the guard.
    with count_queries() as queries:
        again = post(client, site.key, comment_fields(token, "The second"), headers=JSON)
    assert again.status_code == 201 and again.json["id"] == response.json["id"]
    assert not any(statement.startswith(("INSERT", "UPDATE")) or "FROM ban" in statement
                   for statement in queries.statements), queries.statements


def test_the_approved_count_moves_with_each_new_comment(client, site):
    """A post adds one to the thread's approved count (none while held) instead of
    counting the thread again: the count stays the true one."""
    token = fresh_token(client, site.key)
    for number in range(3):
        assert post(client, site.key, comment_fields(token, f"Shown {number}"),
                    headers=JSON).status_code == 201
    site.moderation = "all"
    db.session.commit()
    held = post(client, site.key, comment_fields(token, "Held"), headers=JSON)
    assert held.status_code == 201 and held.json["status"] == "pending"
    db.session.expire_all()
    thread = db.session.scalar(select(Thread))
    approved = db.session.scalar(select(func.count()).where(
        Comment.thread_id == thread.id, Comment.status == CommentStatus.APPROVED))
    assert thread.approved_count == approved == 3
    assert thread.version == 1 + 4  # made at 1, one bump per comment


def test_a_revalidation_is_one_round_trip(client, site, count_queries, count_round_trips):
    token = fresh_token(client, site.key)
    assert post(client, site.key, comment_fields(token, "Here"), headers=JSON).status_code == 201
    etag = client.get(thread_path(site.key)).headers["ETag"]
    with count_queries() as queries, count_round_trips() as trips:
        response = client.get(thread_path(site.key), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert queries.count == 1, queries.statements
    if trips is not None:  # PostgreSQL: no BEGIN, no ROLLBACK around the read
        assert trips.count == 1, trips.sent
