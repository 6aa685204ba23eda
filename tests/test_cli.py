import json

from sqlalchemy import select

from widget.extensions import db
from widget.models import Site


def test_sites_create_prints_key_and_snippet(runner, app):
    result = runner.invoke(args=["sites", "create", "My blog", "--origin", "https://Blog.example.com/",
                                 "--origin", "http://localhost:8000"])
    assert result.exit_code == 0, result.output
    site = db.session.scalars(select(Site)).one()
    assert site.allowed_origins == ["https://blog.example.com", "http://localhost:8000"]
    assert f'<div id="comments" data-site="{site.key}"></div>' in result.output
    assert "/embed.js\" async></script>" in result.output


def test_sites_create_json(runner, app):
    app.config["PUBLIC_URL"] = "https://comments.example.com/"
    result = runner.invoke(args=["sites", "create", "Blog", "--origin", "https://blog.example.com", "--json"])
    payload = json.loads(result.output)
    site = db.session.scalars(select(Site)).one()
    assert payload["key"] == site.key
    assert payload["origins"] == ["https://blog.example.com"]
    assert '<script src="https://comments.example.com/embed.js" async></script>' in payload["snippet"]


def test_sites_create_refuses_a_bad_origin(runner, app):
    result = runner.invoke(args=["sites", "create", "Blog", "--origin", "blog.example.com"])
    assert result.exit_code == 2
    assert "is not an origin" in result.output
    assert db.session.scalars(select(Site)).all() == []


def test_sites_list(runner, app):
    assert "No sites yet" in runner.invoke(args=["sites", "list"]).output
    runner.invoke(args=["sites", "create", "Blog", "--origin", "https://blog.example.com"])
    site = db.session.scalars(select(Site)).one()
    output = runner.invoke(args=["sites", "list"]).output
    assert f"{site.key}\tBlog\thttps://blog.example.com" in output


def test_demo_site_is_created_once(runner, app):
    assert "created" in runner.invoke(args=["demo"]).output
    assert "exists" in runner.invoke(args=["demo"]).output
    assert [site.key for site in db.session.scalars(select(Site))] == ["demo"]


def test_demo_site_learns_new_origins(runner, app):
    runner.invoke(args=["demo"])
    runner.invoke(args=["demo", "--origin", "http://127.0.0.1:5077"])
    site = db.session.scalars(select(Site)).one()
    assert site.allowed_origins == ["http://127.0.0.1:5000", "http://localhost:5000", "http://127.0.0.1:5077"]


def test_site_keys_are_plain_letters_and_digits():
    from widget.models import new_site_key

    keys = {new_site_key() for _ in range(500)}
    assert len(keys) == 500
    assert all(key.isalnum() and len(key) == 12 for key in keys)
