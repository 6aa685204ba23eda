"""Replying: the no-JS form post, the JSON post, and every refusal leaving no trace."""

from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import Comment, CommentStatus, ModerationMode, Thread

from .conftest import ARTICLE, form_token, make_comment, make_site, make_thread


def page_url(site, url=ARTICLE):
    return f"/t/{site.key}?url={quote(url, safe='')}"


def fields(client, site, url=ARTICLE, **values):
    token = form_token(client.get(page_url(site, url)).text)
    return {"csrf_token": token, "name": "Ann", "text": "Hello", **values}


def comment_count():
    return db.session.scalar(select(func.count(Comment.id)))


def test_post_without_javascript_redirects_to_the_new_comment(client, site):
    response = client.post(page_url(site), data=fields(client, site, text="Hi *there*",
                                                       email="ann@example.org",
                                                       website="https://ann.example"))
    assert response.status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert response.headers["Location"].endswith(f"#c-{comment.id}")
    assert "/t/" + site.key in response.headers["Location"]
    assert (comment.author, comment.email, comment.website) == ("Ann", "ann@example.org", "https://ann.example")
    assert comment.text == "Hi *there*"
    assert comment.html == "<p>Hi <em>there</em></p>"
    assert comment.status == CommentStatus.APPROVED
    assert comment.thread.url == ARTICLE
    page = client.get(response.headers["Location"]).text
    assert f'id=c-{comment.id} ' in page and "1 comment<" in page


def test_first_post_makes_the_thread_with_title(client, site):
    client.post(page_url(site) + "&title=Hello%20world", data=fields(client, site))
    thread = db.session.scalars(select(Thread)).one()
    assert (thread.url, thread.title) == (ARTICLE, "Hello world")


def test_post_as_json_returns_the_rendered_comment(client, site):
    thread = make_thread(site)
    parent = make_comment(thread, "Parent")
    version = thread.version
    response = client.post(page_url(site), data=fields(client, site, parent=str(parent.id)),
                           headers={"Accept": "application/json"})
    assert response.status_code == 201
    body = response.get_json()
    reply = db.session.get(Comment, body["id"])
    assert reply.parent_id == parent.id
    assert body["status"] == "approved"
    assert f'id=c-{reply.id} data-parent={parent.id}>' in body["html"]
    db.session.refresh(thread)
    assert thread.version == version + 1


def test_the_stored_ip_is_a_hash(client, site):
    client.post(page_url(site), data=fields(client, site), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    comment = db.session.scalars(select(Comment)).one()
    assert comment.ip_hash and "203.0.113" not in comment.ip_hash and len(comment.ip_hash) == 64


LONG = "x" * 10_001


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"text": ""}, "text", "Please write a comment."),
        ({"text": "   \n  "}, "text", "Please write a comment."),
        ({"text": LONG}, "text", "the limit is 10,000"),
        ({"name": ""}, "name", "Please enter your name."),
        ({"name": "n" * 101}, "name", "100 characters"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": "a@b.c" + "c" * 260}, "email", "254"),
        ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
        ({"website": "ftp://files.example.org"}, "website", "http:// or https://"),
        ({"website": "not a url"}, "website", "http:// or https://"),
    ],
)
def test_bad_fields_are_refused_beside_the_field_keeping_the_input(client, site, values, field, message):
    data = fields(client, site, **{"text": "My words", "email": "", "website": "", **values})
    response = client.post(page_url(site), data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    # what the commenter typed comes back in the form
    if data["text"].strip() and len(data["text"]) < 200:
        assert data["text"] in response.text
    assert 'value="Ann"' in response.text or field == "name"
    assert comment_count() == 0
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_bad_fields_as_json_are_a_422_with_errors_by_field(client, site):
    response = client.post(page_url(site), data=fields(client, site, text="", email="nope"),
                           headers={"Accept": "application/json"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["text"] == ["Please write a comment."]
    assert "valid email" in errors["email"][0]
    assert comment_count() == 0


def test_comment_length_limit_is_a_setting(client, app, site):
    app.config["COMMENT_MAX_LENGTH"] = 20
    response = client.post(page_url(site), data=fields(client, site, text="y" * 21))
    assert response.status_code == 422 and "the limit is 20" in response.text


@pytest.mark.parametrize("parent", ["999", "abc", "-1"])
def test_unknown_parent_is_refused(client, site, parent):
    make_thread(site)
    response = client.post(page_url(site), data=fields(client, site, parent=parent, text="Orphan?"))
    assert response.status_code == 422
    assert "does not exist" in response.text
    assert "Orphan?" in response.text
    assert comment_count() == 0


def test_parent_in_another_thread_is_refused(client, site):
    other = make_thread(site, url="https://blog.example.com/other")
    foreign = make_comment(other, "Elsewhere")
    make_thread(site)
    response = client.post(page_url(site), data=fields(client, site, parent=str(foreign.id)),
                           headers={"Accept": "application/json"})
    assert response.status_code == 422
    assert "does not exist" in response.get_json()["errors"]["parent"][0]
    assert comment_count() == 1


def test_refused_first_post_leaves_no_thread(client, site):
    response = client.post(page_url(site), data=fields(client, site, parent="5"))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Thread.id))) == 0


def test_unknown_site_origin_and_url_are_refused(client, site):
    data = fields(client, site)
    assert client.post(f"/t/nope?url={quote(ARTICLE)}", data=data).status_code == 404
    assert client.post(page_url(site, "https://evil.example/x"), data=data).status_code == 403
    assert client.post(page_url(site, "not a url"), data=data).status_code == 400
    assert comment_count() == 0


@pytest.mark.parametrize(
    ("token", "message"),
    [
        (None, "could not be verified"),
        ("forged.token.value", "could not be verified"),
    ],
)
def test_missing_or_forged_form_token_is_refused(client, site, token, message):
    data = fields(client, site, text="Keep me")
    if token is None:
        del data["csrf_token"]
    else:
        data["csrf_token"] = token
    response = client.post(page_url(site), data=data)
    assert response.status_code == 422
    assert message in response.text
    assert "Keep me" in response.text
    assert comment_count() == 0


def test_form_token_of_another_thread_is_refused(client, site):
    data = fields(client, site, url="https://blog.example.com/other")
    response = client.post(page_url(site), data=data)
    assert response.status_code == 422
    assert "another thread" in response.text
    assert comment_count() == 0


def test_expired_form_token_is_refused(client, app, site):
    data = fields(client, site)
    app.config["COMMENT_FORM_MAX_AGE"] = -1
    response = client.post(page_url(site), data=data)
    assert response.status_code == 422 and "expired" in response.text
    assert comment_count() == 0


def test_cross_site_origin_is_refused(client, site):
    data = fields(client, site)
    response = client.post(page_url(site), data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    response = client.post(page_url(site), data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert comment_count() == 0


@pytest.mark.parametrize("origin", ["http://comments.test", "https://blog.example.com"])
def test_own_and_site_origins_may_post(client, site, origin):
    response = client.post(page_url(site), data=fields(client, site), headers={"Origin": origin})
    assert response.status_code == 303


def test_moderation_all_holds_comments_visible_only_to_their_author(client, app):
    site = make_site(moderation=ModerationMode.ALL)
    response = client.post(page_url(site), data=fields(client, site, text="Wait for me"))
    comment = db.session.scalars(select(Comment)).one()
    assert comment.status == CommentStatus.PENDING
    own_view = client.get(response.headers["Location"]).text
    assert "Wait for me" in own_view and "awaiting moderation" in own_view
    assert "No comments yet" in own_view  # the count is of approved comments
    stranger = app.test_client().get(page_url(site)).text
    assert "Wait for me" not in stranger


def test_moderation_first_time_approves_known_commenters(client):
    site = make_site(moderation=ModerationMode.FIRST)
    thread = make_thread(site)
    make_comment(thread, "Earlier", email="known@example.org")
    client.post(page_url(site), data=fields(client, site, email="known@example.org", text="Again"))
    client.post(page_url(site), data=fields(client, site, email="new@example.org", text="First"))
    statuses = dict(db.session.execute(select(Comment.text, Comment.status)).all())
    assert statuses["Again"] == CommentStatus.APPROVED
    assert statuses["First"] == CommentStatus.PENDING


@pytest.mark.parametrize(
    "text",
    [
        "“Curly quotes” — and an em-dash […] ‘single’",
        "Emoji 😀👍🏽 and a family 👨‍👩‍👧",
        "עברית וערבית: مرحبا بالعالم",
        "Combining: e\u0301 a\u0308 n\u0303",
        "```\n    four leading spaces\n\ttab\n```",
    ],
)
def test_text_survives_exactly(client, site, text):
    client.post(page_url(site), data=fields(client, site, text=text))
    comment = db.session.scalars(select(Comment)).one()
    assert comment.text == text
    page = client.get(page_url(site)).text
    if text.startswith("```"):
        assert "    four leading spaces\n\ttab" in comment.html
        assert "    four leading spaces\n\ttab" in page
    else:
        assert text in comment.html and text in page


@pytest.mark.parametrize(("typed", "stored"), [
    ("http://localhost:8000/", "http://localhost:8000/"),
    ("https://example.com./", "https://example.com./"),
    ("http://0x7f.1/", "http://0x7f.1/"),
    ("http://2130706433/", "http://2130706433/"),
    ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ("HTTPS://Bücher.example/über?q=1#top", "HTTPS://Bücher.example/über?q=1#top"),
    ("https://user@example.com/", "https://example.com/"),
    ("https://user:secret@example.com:8443/a?b", "https://example.com:8443/a?b"),
])
def test_every_web_address_a_browser_opens_is_accepted(client, site, typed, stored):
    response = client.post(page_url(site), data=fields(client, site, website=typed))
    assert response.status_code == 303, response.text
    assert db.session.scalars(select(Comment.website)).one() == stored


def test_the_form_says_that_credentials_are_not_kept(client, site):
    page = client.get(page_url(site)).text
    assert 'aria-describedby="website-hint"' in page
    assert "A user name or password in the address is not kept." in page


@pytest.mark.parametrize(("typed", "message"), [
    ("ftp://files.example.org", "starting with http:// or https://"),
    ("javascript:alert(1)//https://x.org", "starting with http:// or https://"),
    ("ftp://exa mple.org", "starting with http:// or https://"),  # two faults, one message
    ("https://exa mple.org", "cannot contain spaces"),
    ("http://256.1.1.1/", "no valid host name or port"),
    ("http://example.com:99999/", "no valid host name or port"),
    ("http://[::1/", "no valid host name or port"),
    ("https://user@/", "no valid host name or port"),
    ("https://ex<ample>.org/", "no valid host name or port"),
    ("https://x.org/" + "a" * 500, "500 characters"),
    ("ftp://x.org/ " + "a" * 500, "500 characters"),  # three faults, one message
])
def test_a_refused_web_address_gets_one_message_beside_the_field(client, site, typed, message):
    response = client.post(page_url(site), data=fields(client, site, website=typed),
                           headers={"Accept": "application/json"})
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]["website"]
    assert message in error
    page = client.post(page_url(site), data=fields(client, site, website=typed)).text
    assert page.count('class="field-error" id="website-error"') == 1
    assert comment_count() == 0
