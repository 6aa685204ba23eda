"""A site's language and custom CSS, set in the dashboard's site form."""

from sqlalchemy import select

from widget.extensions import db
from widget.models import AuditEntry, Site

from .test_sites import NEW_SITE


def site_form(site, **changes):
    return {**NEW_SITE, "name": site.name, "origins": "\n".join(site.allowed_origins), **changes}


def test_the_form_offers_each_language_by_its_own_name(dashboard, site):
    html = dashboard.get(f"/admin/sites/{site.id}").text
    for option in ('<option selected value="">', '<option value="de">Deutsch</option>',
                   '<option value="ar">العربية</option>', '<option value="fr">Français</option>'):
        assert option in html
    assert ">Custom CSS</label>" in html


def test_saving_language_and_css_sanitizes_and_says_what_was_removed(dashboard, site):
    css = (":root { --widget-accent: #8e2b1f }\n"
           "@import url(https://evil.example/x.css);\n"
           "a { background: url(javascript:alert(1)) }")
    response = dashboard.post(f"/admin/sites/{site.id}",
                              data=site_form(site, default_language="fr", custom_css=css))
    assert response.status_code == 303
    saved = db.session.get(Site, site.id)
    assert saved.default_language == "fr"
    assert "--widget-accent: #8e2b1f" in saved.custom_css
    assert "@import" not in saved.custom_css and "javascript" not in saved.custom_css
    page = dashboard.get(response.headers["Location"]).text
    assert "Removed from the custom CSS:" in page and "@import" in page
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "edit_site")).one()
    assert "default_language: None → fr" in entry.details
    assert "custom_css: 0 →" in entry.details  # sizes, not the whole stylesheet


def test_an_unknown_language_or_too_long_css_is_refused_and_nothing_saved(app, dashboard, site):
    refused = dashboard.post(f"/admin/sites/{site.id}",
                             data=site_form(site, default_language="tlh", custom_css="a{}"))
    assert refused.status_code == 422
    assert "Not a valid choice" in refused.text
    app.config["CUSTOM_CSS_MAX_LENGTH"] = 10
    too_long = dashboard.post(f"/admin/sites/{site.id}",
                              data=site_form(site, custom_css="a { color: red }"))
    assert too_long.status_code == 422
    assert "longer than 10 characters" in too_long.text
    assert "a { color: red }" in too_long.text  # what the admin typed is kept
    saved = db.session.get(Site, site.id)
    assert (saved.default_language, saved.custom_css) == (None, "")


def test_every_shipped_language_is_a_choice_and_zh_hans_is_kept(dashboard, site, client):
    html = dashboard.get(f"/admin/sites/{site.id}").text
    for option in ('<option value="he">עברית</option>', '<option value="ja">日本語</option>',
                   '<option value="zh_Hans">中文 (简体)</option>',
                   '<option value="pt">português</option>',
                   '<option value="uk">українська</option>'):
        assert option.lower() in html.lower()
    response = dashboard.post(f"/admin/sites/{site.id}",
                              data=site_form(site, default_language="zh_Hans"))
    assert response.status_code == 303
    assert db.session.get(Site, site.id).default_language == "zh_Hans"


def test_the_dashboard_speaks_the_browsers_language(dashboard, site):
    japanese = dashboard.get(f"/admin/sites/{site.id}", headers={"Accept-Language": "ja"}).text
    assert '<html lang="ja"' in japanese and "設定を保存" in japanese
    hebrew = dashboard.get("/admin/", headers={"Accept-Language": "he"}).text
    assert '<html lang="he" dir="rtl"' in hebrew
