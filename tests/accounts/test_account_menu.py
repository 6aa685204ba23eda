"""What an account gives: its comments edited and deleted from any browser where it is
signed in, and the account menu: My comments, Download my data, Sign out everywhere,
Delete my account."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import ARTICLE, form_token, make_site
from widget.accounts.models import Account, AccountIdentity, AccountSession, SignInCode
from widget.extensions import db
from widget.models import Comment, CommentStatus, Thread, utcnow

from .helpers import (
    JSON,
    page_token,
    post_comment,
    sign_in_sso,
    sso_token,
    thread_url,
    who_am_i,
)

OTHER_ARTICLE = "https://blog.example.com/posts/other"


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def posted(client, site, text, token, url=ARTICLE, **fields):
    page = client.get(thread_url(site, url=url)).text
    data = {"csrf_token": form_token(page), "text": text, "account_token": token, **fields}
    response = client.post(thread_url(site, url=url), data=data, headers=JSON)
    assert response.status_code == 201, response.json
    return db.session.get(Comment, response.json["id"])


def age(comment, minutes):
    comment.created_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def edit(client, site, comment, token, text="Changed"):
    return client.post(thread_url(site, f"/c/{comment.id}/edit"), headers={
        **JSON, "X-Widget-Account": token}, data={
        "csrf_token": page_token(client, site), "text": text})


def delete(client, site, comment, token):
    return client.post(thread_url(site, f"/c/{comment.id}/delete"), headers={
        **JSON, "X-Widget-Account": token}, data={"csrf_token": page_token(client, site)})


@pytest.fixture
def laptop(app):
    return app.test_client()


@pytest.fixture
def phone(app):
    return app.test_client()


def test_a_second_browser_signed_in_to_the_account_edits_and_deletes(site, laptop, phone):
    mine = posted(laptop, site, "Posted on the laptop", sign_in_sso(laptop, site))
    phone_token = sign_in_sso(phone, site)  # the same host user, another device
    response = edit(phone, site, mine, phone_token, "Changed on the phone")
    assert response.status_code == 200, response.json
    assert db.session.get(Comment, mine.id).text == "Changed on the phone"
    assert delete(phone, site, mine, phone_token).status_code == 200
    assert db.session.get(Comment, mine.id).status == CommentStatus.DELETED


def test_after_the_window_the_account_may_delete_but_not_edit(app, site, laptop, phone):
    mine = posted(laptop, site, "Old words", sign_in_sso(laptop, site))
    age(mine, app.config["EDIT_WINDOW"] // 60 + 5)
    phone_token = sign_in_sso(phone, site)
    response = edit(phone, site, mine, phone_token)
    assert response.status_code == 403
    assert "that time has passed" in response.json["message"]
    assert db.session.get(Comment, mine.id).text == "Old words"
    assert delete(phone, site, mine, phone_token).status_code == 200
    assert db.session.get(Comment, mine.id).status == CommentStatus.DELETED


def test_another_accounts_comment_is_refused(site, laptop, phone):
    kevins = posted(laptop, site, "Kevin's", sign_in_sso(laptop, site, sub="1", name="Kevin"))
    ann_token = sign_in_sso(phone, site, sub="2", name="Ann")
    assert edit(phone, site, kevins, ann_token).status_code == 403
    assert delete(phone, site, kevins, ann_token).status_code == 403
    comment = db.session.get(Comment, kevins.id)
    assert (comment.text, comment.status) == ("Kevin's", CommentStatus.APPROVED)


def test_a_signed_out_token_changes_nothing(site, laptop, phone):
    token = sign_in_sso(laptop, site)
    mine = posted(laptop, site, "Mine", token)
    phone_token = sign_in_sso(phone, site)
    phone.post(thread_url(site, "/account/sign-out-everywhere"), headers=JSON, data={
        "csrf_token": page_token(phone, site), "account_token": phone_token})
    assert count(AccountSession) == 0
    assert delete(phone, site, mine, phone_token).status_code == 403
    assert db.session.get(Comment, mine.id).status == CommentStatus.APPROVED


def test_who_am_i_lists_the_viewers_comments_on_this_thread(app, site, laptop, phone):
    token = sign_in_sso(laptop, site)
    first = posted(laptop, site, "First", token)
    second = posted(laptop, site, "Second", token)
    posted(laptop, site, "Elsewhere", token, url=OTHER_ARTICLE)
    posted(phone, site, "Someone else's", sign_in_sso(phone, site, sub="2", name="Ann"))
    answer = who_am_i(laptop, site, account_token=token).json
    assert [own["id"] for own in answer["own_comments"]] == [second.id, first.id]
    until = answer["own_comments"][0]["editable_until"]
    expected = second.created_at + timedelta(seconds=app.config["EDIT_WINDOW"])
    assert until == expected.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_without_scripts_the_cookie_viewer_gets_edit_and_delete_links(app, site, laptop,
                                                                      phone):
    recent = posted(laptop, site, "Recent", sign_in_sso(laptop, site))
    older = posted(laptop, site, "Older", sign_in_sso(laptop, site))
    age(older, app.config["EDIT_WINDOW"] // 60 + 5)
    sign_in_sso(phone, site)  # the phone's session cookie now names the account
    page = phone.get(thread_url(site)).text
    assert f'data-own-comment="{recent.id}"' in page  # Edit or delete
    assert f'data-account-comment="{older.id}"' in page  # Delete only
    edit_page = phone.get(thread_url(site, f"/c/{older.id}/edit"))
    assert edit_page.status_code == 200
    assert 'class="delete-form"' in edit_page.text
    assert 'class="edit-form"' not in edit_page.text
    response = phone.post(thread_url(site, f"/c/{older.id}/delete"),
                          data={"csrf_token": page_token(phone, site)})
    assert response.status_code == 303
    assert db.session.get(Comment, older.id).status == CommentStatus.DELETED
    stranger = app.test_client().get(thread_url(site)).text
    assert "data-account-comment" not in stranger and "data-own-comment" not in stranger


def test_my_comments_lists_this_sites_comments_newest_first_paged(app, site, laptop, phone):
    token = sign_in_sso(laptop, site)
    oldest = posted(laptop, site, "On hello", token)
    posted(laptop, site, "On other", token, url=OTHER_ARTICLE)
    posted(phone, site, "Not mine", sign_in_sso(phone, site, sub="2", name="Ann"))
    page = laptop.get(thread_url(site, "/account/comments"),
                      headers={"X-Widget-Account": token})
    assert page.status_code == 200
    text = page.text
    assert text.index("On other") < text.index("On hello")
    assert "Not mine" not in text
    assert f'href="{ARTICLE}#c-{oldest.id}" target="_top"' in text
    assert "2 comments on Blog" in text
    panel = laptop.get(thread_url(site, "/account/comments"),
                       headers={**JSON, "X-Widget-Account": token}).json
    assert 'id="account-panel"' in panel["html"]

    for number in range(20):
        posted(laptop, site, f"More {number}", token)
    first = laptop.get(thread_url(site, "/account/comments"), headers={"X-Widget-Account": token})
    assert "More 19" in first.text and "On hello" not in first.text
    assert "page 1 of 2" in first.text
    second = laptop.get(thread_url(site, "/account/comments") + "&p=2",
                        headers={"X-Widget-Account": token})
    assert "On hello" in second.text and "More 19" not in second.text


def test_the_menu_screens_need_a_signed_in_viewer(site, client):
    response = client.get(thread_url(site, "/account/comments"), headers=JSON)
    assert response.status_code == 403
    assert "not signed in" in response.json["message"]
    response = client.post(thread_url(site, "/account/data"), headers=JSON,
                           data={"csrf_token": page_token(client, site)})
    assert response.status_code == 403


def test_download_holds_the_accounts_data_and_nothing_of_others(site, laptop, phone):
    token = sign_in_sso(laptop, site, sub="u-7", name="Kevin", email="kevin@example.com")
    posted(laptop, site, "Kevin's words", token)
    posted(phone, site, "Ann's words", sign_in_sso(phone, site, sub="u-8", name="Ann",
                                                   email="ann@example.com"))
    db.session.add(SignInCode(site_id=site.id, email="kevin@example.com", display_name="Kevin",
                              code_hash="f" * 64, expires_at=utcnow()))
    db.session.commit()
    response = laptop.post(thread_url(site, "/account/data"), data={
        "csrf_token": page_token(laptop, site), "account_token": token})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["account"]["display_name"] == "Kevin"
    assert data["account"]["email"] == "kevin@example.com"
    assert [(i["provider"], i["subject"]) for i in data["identities"]] == [("sso", "u-7")]
    assert [comment["text"] for comment in data["comments"]] == ["Kevin's words"]
    assert data["comments"][0]["article_url"] == ARTICLE
    assert len(data["sessions"]) == 1 and data["sessions"][0]["created_at"]
    assert len(data["sign_in_codes"]) == 1
    raw = response.data.decode()
    assert "Ann" not in raw and "ann@example.com" not in raw
    for secret in [row.token_hash for row in db.session.scalars(select(AccountSession))]:
        assert secret not in raw
    assert "f" * 64 not in raw and "code_hash" not in raw and "token" not in raw


def test_account_posts_need_the_form_token_and_our_origin(site, laptop):
    token = sign_in_sso(laptop, site)
    for path in ("/account/data", "/account/delete"):
        response = laptop.post(thread_url(site, path), headers=JSON,
                               data={"account_token": token, "confirm": "yes"})
        assert response.status_code == 400, path
        response = laptop.post(thread_url(site, path), data={
            "csrf_token": page_token(laptop, site), "account_token": token, "confirm": "yes"},
            headers={**JSON, "Origin": "https://evil.example.net"})
        assert response.status_code == 403, path
    assert count(Account) == 1


def test_delete_needs_the_confirmation(site, laptop):
    token = sign_in_sso(laptop, site)
    confirm_page = laptop.get(thread_url(site, "/account/delete"),
                              headers={"X-Widget-Account": token})
    assert confirm_page.status_code == 200
    assert 'name="confirm"' in confirm_page.text
    response = laptop.post(thread_url(site, "/account/delete"), headers=JSON, data={
        "csrf_token": page_token(laptop, site), "account_token": token})
    assert response.status_code == 422
    assert "confirm" in response.json["errors"]
    page = laptop.post(thread_url(site, "/account/delete"), data={
        "csrf_token": page_token(laptop, site), "account_token": token})
    assert page.status_code == 422
    assert 'aria-invalid="true"' in page.text and "Tick the box" in page.text
    assert count(Account) == 1 and count(AccountSession) == 1


def test_deleting_the_account_erases_its_comments_and_keeps_the_replies(site, laptop, phone,
                                                                         client):
    token = sign_in_sso(laptop, site, sub="u-7", name="Kevin", email="kevin@example.com")
    answered = posted(laptop, site, "Answered", token)
    alone = posted(laptop, site, "Alone", token)
    elsewhere = posted(laptop, site, "Elsewhere", token, url=OTHER_ARTICLE)
    reply = posted(phone, site, "A reply", sign_in_sso(phone, site, sub="u-8", name="Ann"),
                   parent=str(answered.id))
    sign_in_sso(client, site, sub="u-7", name="Kevin")  # a second browser of Kevin's
    db.session.add(SignInCode(site_id=site.id, email="kevin@example.com", display_name="Kevin",
                              code_hash="0" * 64, expires_at=utcnow()))
    db.session.commit()
    thread = db.session.scalar(select(Thread).where(Thread.url == ARTICLE))
    version = thread.version

    response = laptop.post(thread_url(site, "/account/delete"), headers=JSON, data={
        "csrf_token": page_token(laptop, site), "account_token": token, "confirm": "yes"})
    assert response.status_code == 200, response.json
    assert response.json["deleted"] is True and response.json["signed_in"] is False
    assert response.json["host_sign_out"] is True
    db.session.expire_all()
    placeholder = db.session.get(Comment, answered.id)
    assert placeholder.status == CommentStatus.DELETED
    assert (placeholder.author, placeholder.text, placeholder.email) == ("", "", None)
    assert placeholder.account_id is None and placeholder.verified_via is None
    assert db.session.get(Comment, alone.id) is None
    assert db.session.get(Comment, elsewhere.id) is None
    assert db.session.get(Comment, reply.id).status == CommentStatus.APPROVED
    thread = db.session.get(Thread, thread.id)
    assert thread.version > version and thread.approved_count == 1
    assert count(Account, Account.display_name == "Kevin") == 0
    assert count(AccountIdentity, AccountIdentity.subject == "u-7") == 0
    assert count(AccountSession) == 1  # Ann's alone: both of Kevin's browsers signed out
    assert count(SignInCode) == 0
    page = client.get(thread_url(site)).text
    assert "Answered" not in page and "A reply" in page and "[deleted]" in page
    assert "Commenting as Kevin" not in page
    counts = client.get(f"/api/counts?site={site.key}&url={ARTICLE}").json
    assert counts["counts"][ARTICLE] == 1
    # The name is free again for anyone.
    response = post_comment(laptop, site, "I am Kevin now", name="Kevin")
    assert response.status_code == 201, response.json


def test_deleting_without_scripts_shows_a_page(site, laptop):
    sign_in_sso(laptop, site)  # the session cookie names the account
    response = laptop.post(thread_url(site, "/account/delete"), data={
        "csrf_token": page_token(laptop, site), "confirm": "yes"})
    assert response.status_code == 200
    assert "Your account was deleted" in response.text
    assert count(Account) == 0
    assert "Commenting as" not in laptop.get(thread_url(site)).text


def test_an_account_of_another_site_is_untouched(site, laptop, phone):
    other = make_site("Other", ("https://other.example.com",))
    other_article = thread_url(other, "/account", url="https://other.example.com/a")
    token_page = phone.get(thread_url(other, url="https://other.example.com/a")).text
    answer = phone.post(other_article, headers={**JSON, "Origin": "https://other.example.com"},
                        data={"csrf_token": form_token(token_page),
                              "sso": sso_token(other, sub="u-7", name="Kevin")})
    assert answer.json["signed_in"] is True
    token = sign_in_sso(laptop, site, sub="u-7", name="Kevin")
    laptop.post(thread_url(site, "/account/delete"), headers=JSON, data={
        "csrf_token": page_token(laptop, site), "account_token": token, "confirm": "yes"})
    assert db.session.scalars(select(Account.site_id)).all() == [other.id]
