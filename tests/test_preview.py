"""Preview before posting (JSON for the script, a round trip without it) and the
formatting help beside the form. A preview stores nothing."""

import re

from tests.commenting import JSON, action_path, page_token, thread_path
from widget.extensions import db
from widget.models import Comment, Thread


def test_json_preview_renders_through_the_sanitizer(client, site):
    response = client.post(action_path(site, "preview"), headers=JSON, data={
        "csrf_token": page_token(client, site), "text": "**hi** <script>x</script>"})
    assert response.status_code == 200
    assert response.get_json()["html"] == "<p><strong>hi</strong> &lt;script&gt;x&lt;/script&gt;</p>"
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Thread.id))) == 0


def test_preview_needs_the_form_token_and_respects_the_limit(client, site):
    no_token = client.post(action_path(site, "preview"), headers=JSON, data={"text": "x"})
    assert no_token.status_code == 422 and "csrf_token" in no_token.get_json()["errors"]
    too_long = client.post(action_path(site, "preview"), headers=JSON, data={
        "csrf_token": page_token(client, site), "text": "x" * 10_001})
    assert too_long.status_code == 422
    assert "the limit is 10,000" in too_long.get_json()["errors"]["text"][0]
    foreign = client.post(action_path(site, "preview"), headers={**JSON, "Origin": "https://evil.example"},
                          data={"csrf_token": page_token(client, site), "text": "x"})
    assert foreign.status_code == 403


def test_without_javascript_preview_round_trips_and_keeps_the_form(client, site):
    page = client.get(thread_path(site)).get_data(as_text=True)
    preview_action = re.search(r'formaction="([^"]+)">Preview</button>', page).group(1)
    response = client.post(preview_action.replace("&amp;", "&"), data={
        "csrf_token": page_token(client, site), "text": "*draft*", "name": "Ann",
        "email": "ann@example.com"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<section class="comment-preview" aria-label="Preview">' in html
    assert "<p><em>draft</em></p>" in html
    assert "*draft*</textarea>" in html and 'value="Ann"' in html
    assert 'value="ann@example.com"' in html
    assert db.session.scalar(db.select(db.func.count(Comment.id))) == 0


def test_an_empty_preview_says_so(client, site):
    response = client.post(action_path(site, "preview"),
                           data={"csrf_token": page_token(client, site), "text": ""})
    assert "Nothing to preview yet." in response.get_data(as_text=True)


def test_formatting_help_is_beside_the_form(client, site):
    page = client.get(thread_path(site)).get_data(as_text=True)
    assert '<details class="format-help">' in page
    assert "<summary>Formatting help</summary>" in page
    assert "<td><code>**strong**</code></td><td><strong>strong</strong></td>" in page
