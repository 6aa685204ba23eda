"""Sites from the dashboard (list, create, edit, snippet), threads closed and opened, and
what closing and the maximum length do to the public thread."""

import pytest
from sqlalchemy import func, select

from widget.extensions import db
from widget.models import AuditEntry, Comment, ModerationMode, Site, Thread

from .conftest import form_token, make_comment, make_thread, post_as_reader, thread_url

NEW_SITE = {"name": "Cooking", "origins": "https://Cook.example/\nhttp://localhost:8000",
            "moderation": "first", "comments_open": "y", "likes_enabled": "y",
            "max_comment_length": "500"}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_sites_are_listed(dashboard, site):
    html = dashboard.get("/admin/sites").text
    assert site.name in html and site.key in html and "https://blog.example.com" in html
    assert 'href="/admin/sites/new"' in html


def test_a_superadmin_creates_a_site(dashboard, superadmin):
    assert ">Allowed origins</label>" in dashboard.get("/admin/sites/new").text
    response = dashboard.post("/admin/sites/new", data=NEW_SITE)
    assert response.status_code == 303
    site = db.session.scalar(select(Site).where(Site.name == "Cooking"))
    assert response.headers["Location"] == f"/admin/sites/{site.id}"
    assert site.allowed_origins == ["https://cook.example", "http://localhost:8000"]
    assert (site.moderation, site.comments_open, site.likes_enabled, site.max_comment_length) == (
        ModerationMode.FIRST, True, True, 500)
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.site_id, entry.admin_id) == ("create_site", site.id, superadmin.id)


def test_the_site_page_shows_the_snippet_with_a_copy_button(dashboard, site):
    html = dashboard.get(f"/admin/sites/{site.id}").text
    # In a read-only textarea, escaped: it shows as the text to paste.
    assert f'&lt;div id=&#34;comments&#34; data-site=&#34;{site.key}&#34;&gt;' in html
    assert 'src=&#34;http://comments.test/embed.js&#34;' in html
    assert 'data-copy="snippet"' in html and 'id="snippet"' in html
    assert "<script>" not in html.replace('&lt;script', '')  # no inline script of ours
    assert '/static/admin.js' in html


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Give the site a name."),
    ("origins", "", "Add at least one origin"),
    ("origins", "not a url", "is not an origin"),
    ("origins", "ftp://files.example", "is not an origin"),
    ("moderation", "sometimes", "Not a valid choice"),
    ("max_comment_length", "0", "Enter a number from 1 to 10,000"),
    ("max_comment_length", "20000", "Enter a number from 1 to 10,000"),
    ("max_comment_length", "lots", "Not a valid integer value."),
])
def test_invalid_site_settings_are_refused_beside_the_field(dashboard, site, field, value, message):
    data = {**NEW_SITE, field: value}
    for url in ("/admin/sites/new", f"/admin/sites/{site.id}"):
        response = dashboard.post(url, data=data)
        assert response.status_code == 422
        assert message in response.text
        assert f'id="{field}-error"' in response.text and 'aria-invalid="true"' in response.text
        if value and field != "moderation":  # a select cannot show an invalid choice
            assert value in response.text  # what was typed is kept
    assert count(Site) == 1
    assert db.session.get(Site, site.id).name == "Blog"


def test_editing_a_site_changes_it_logs_it_and_refreshes_its_threads(dashboard, site):
    thread = make_thread(site)
    before = thread.version
    response = dashboard.post(f"/admin/sites/{site.id}", data={
        "name": "Blog renamed", "origins": "https://blog.example.com", "moderation": "all",
        "max_comment_length": "",  # comments_open unticked: closed
    })
    assert response.status_code == 303
    site = db.session.get(Site, site.id)
    assert (site.name, site.moderation, site.comments_open, site.likes_enabled) == (
        "Blog renamed", ModerationMode.ALL, False, False)
    assert db.session.get(Thread, thread.id).version == before + 1
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "edit_site"
    assert "name: Blog → Blog renamed" in entry.details
    assert "comments_open: True → False" in entry.details


def test_a_moderator_edits_their_site_but_cannot_create_one(moderator_board, site):
    assert "New site" not in moderator_board.get("/admin/sites").text
    response = moderator_board.post(f"/admin/sites/{site.id}", data={**NEW_SITE, "name": "Mine"})
    assert response.status_code == 303
    assert db.session.get(Site, site.id).name == "Mine"
    response = moderator_board.post("/admin/sites/new", data=NEW_SITE)
    assert response.status_code == 403
    assert "Only a superadmin can create sites." in response.text


def test_closed_site_shows_threads_without_the_form_and_refuses_posts(app, dashboard, site):
    thread = make_thread(site)
    make_comment(thread, "Earlier words")
    reader = app.test_client()
    token = form_token(reader.get(thread_url(site)).text)  # a reader's page, still open
    dashboard.post(f"/admin/sites/{site.id}", data={
        "name": site.name, "origins": "https://blog.example.com", "moderation": "none"})

    html = reader.get(thread_url(site)).text
    assert "Earlier words" in html
    assert "Comments are closed on this site." in html
    assert "Post comment" not in html and ">Reply</button>" not in html and 'id=rg ' not in html
    response = post_as_reader(reader, site, "Too late", token=token)
    assert response.status_code == 403
    assert "Comments are closed on this site." in response.text
    as_json = post_as_reader(reader, site, "Too late", token=token, json=True)
    assert as_json.status_code == 403
    assert as_json.json["errors"] == {"form": ["Comments are closed on this site."]}
    assert count(Comment) == 1


def test_closed_site_refuses_the_first_post_of_a_new_thread(app, site):
    reader = app.test_client()
    token = form_token(reader.get(thread_url(site)).text)
    site.comments_open = False
    db.session.commit()
    assert post_as_reader(reader, site, "Hello", token=token).status_code == 403
    assert count(Thread) == 0 and count(Comment) == 0


def test_closing_and_reopening_a_thread(app, dashboard, site):
    thread = make_thread(site, title="Hot topic")
    other = make_thread(site, url="https://blog.example.com/calm", title="Calm topic")
    make_comment(thread, "Shown still")
    reader = app.test_client()
    token = form_token(reader.get(thread_url(site)).text)
    page = dashboard.get(f"/admin/threads?site={site.id}")
    assert "Hot topic" in page.text and "Calm topic" in page.text
    before = thread.version

    response = dashboard.post(f"/admin/threads/{thread.id}/state",
                              data={"state": "closed", "next": f"/admin/threads?site={site.id}"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/threads?site={site.id}"
    assert db.session.get(Thread, thread.id).closed
    assert db.session.get(Thread, thread.id).version == before + 1
    html = reader.get(thread_url(site)).text
    assert "Shown still" in html and "Comments are closed on this thread." in html
    assert "Post comment" not in html
    assert post_as_reader(reader, site, "Refused", token=token).status_code == 403
    assert count(Comment) == 1
    # Other threads of the site are untouched.
    assert "Post comment" in reader.get(thread_url(site, other.url)).text

    dashboard.post(f"/admin/threads/{thread.id}/state", data={"state": "open"})
    assert not db.session.get(Thread, thread.id).closed
    assert post_as_reader(reader, site, "Welcome back").status_code == 303
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["close_thread", "reopen_thread"]


def test_a_bad_thread_state_is_refused(dashboard, site):
    thread = make_thread(site)
    response = dashboard.post(f"/admin/threads/{thread.id}/state", data={"state": "melted"})
    assert response.status_code == 422
    assert not db.session.get(Thread, thread.id).closed


def test_the_sites_maximum_length_is_enforced_on_posting(app, site):
    site.max_comment_length = 20
    db.session.commit()
    reader = app.test_client()
    response = post_as_reader(reader, site, "x" * 21)
    assert response.status_code == 422
    assert "the limit is 20" in response.text
    assert "x" * 21 in response.text
    assert count(Comment) == 0
    assert post_as_reader(reader, site, "x" * 20).status_code == 303


def test_the_service_limit_caps_a_sites_larger_one(app, site):
    app.config["COMMENT_MAX_LENGTH"] = 30
    site.max_comment_length = 1000  # set before the service limit was lowered
    db.session.commit()
    response = post_as_reader(app.test_client(), site, "y" * 31)
    assert response.status_code == 422
    assert "the limit is 30" in response.text
