"""What an account changes for commenting: names members use are theirs, sites may take
signed-in commenters only, and trusted members skip the queue."""

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, Commenters, CommentStatus, ModerationMode

from .helpers import post_comment, sign_in_sso


def comments():
    return db.session.scalar(select(func.count()).select_from(Comment))


@pytest.mark.parametrize("spelling", [
    "Kevin", "kevin", "KEVIN", " K e v i n ", "K\u0435vin",  # Cyrillic е
    "Kev\u200bin",  # a zero-width space
    "\uff2bevin",  # fullwidth K
])
def test_a_members_name_is_refused_to_anonymous_commenters(app, client, site, spelling):
    sign_in_sso(client, site, name="Kevin")
    response = post_comment(app.test_client(), site, "Pretending", name=spelling,
                            headers={"Origin": "https://blog.example.com"})
    assert response.status_code == 422
    assert "belongs to a signed-in member" in response.text
    assert 'aria-invalid="true"' in response.text  # beside the Name field
    assert "Pretending" in response.text  # what they typed is kept
    assert comments() == 0


def test_look_alike_capitals_are_refused_too(app, client, site):
    sign_in_sso(client, site, name="Andrew Allison")
    response = post_comment(app.test_client(), site, "Hi", name="Andrew AIIison")  # capital i's
    assert response.status_code == 422
    assert "belongs to a signed-in member" in response.json["errors"]["name"][0]


def test_other_names_and_other_sites_members_are_free(app, site):
    from tests.conftest import make_site
    sign_in_sso(app.test_client(), site, name="Kevin")
    client = app.test_client()
    assert post_comment(client, site, "Hi", name="Kevina").status_code == 201
    other = make_site("Other", ("https://blog.example.com",))
    assert post_comment(client, other, "Hi", name="Kevin").status_code == 201


def test_a_site_may_take_signed_in_commenters_only(client, site):
    site.commenters = Commenters.SIGNED_IN
    db.session.commit()
    page = client.get(f"/t/{site.key}?url=https://blog.example.com/posts/hello").text
    assert "Only signed-in commenters can comment" in page
    assert 'name="name"' not in page
    refused = post_comment(client, site, "Anonymous", name="Ann")
    assert refused.status_code == 403
    assert "sign in" in refused.json["errors"]["form"][0]
    assert comments() == 0
    token = sign_in_sso(client, site)
    assert post_comment(client, site, "Member", account_token=token).status_code == 201


def test_the_cli_sets_who_may_comment_and_the_trusted_rule(runner, site):
    result = runner.invoke(args=["sites", "commenters", site.key, "signed-in"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["sites", "moderation", site.key, "trusted", "--trusted-after", "2"])
    assert result.exit_code == 0, result.output
    db.session.refresh(site)
    assert site.commenters == Commenters.SIGNED_IN
    assert (site.moderation, site.trusted_after) == (ModerationMode.TRUSTED, 2)


def test_trusted_members_skip_the_queue_after_enough_approved_comments(app, client, site):
    site.moderation = ModerationMode.TRUSTED
    site.trusted_after = 2
    db.session.commit()
    token = sign_in_sso(client, site)
    statuses = []
    for number in range(3):
        response = post_comment(client, site, f"Comment {number}", account_token=token)
        comment = db.session.get(Comment, response.json["id"])
        statuses.append(comment.status)
        if comment.status == CommentStatus.PENDING:  # the moderator approves it
            comment.status = CommentStatus.APPROVED
            db.session.commit()
    assert statuses == [CommentStatus.PENDING, CommentStatus.PENDING, CommentStatus.APPROVED]
    anonymous = post_comment(app.test_client(), site, "Anonymous", name="Ann")
    assert db.session.get(Comment, anonymous.json["id"]).status == CommentStatus.PENDING
