"""Languages on the thread page: which one a reader gets, and that everything is in it."""

import json
import re
import shutil
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from widget.extensions import db
from flask_babel import refresh

from widget.i18n import plural_forms, relative_time, short_time
from widget.models import Site, utcnow

from .conftest import make_comment, make_site, make_thread
from .test_thread_page import thread_url


@pytest.fixture
def database(tmp_path, sqlite_template):
    """Languages do not depend on the database: these run on SQLite alone, to keep the
    suite quick (the columns they use are checked on PostgreSQL in test_theme.py)."""
    path = tmp_path / "test.sqlite"
    shutil.copy(sqlite_template, path)
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}


def heading(html):
    return re.search(r'<h1 class="thread-count"[^>]*>(.*?)</h1>', html, re.S).group(1).strip()


def html_tag(html):
    return re.search(r"<html[^>]*>", html).group(0)


@pytest.mark.parametrize(("query", "site_language", "accept", "expected"), [
    ({}, None, None, "en"),
    ({}, None, "de-DE,de;q=0.9,en;q=0.5", "de"),
    ({}, None, "ko, vi;q=0.8", "en"),  # nothing we speak: English
    ({}, "fr", "de", "fr"),  # the site's default beats the browser
    ({"lang": "ar"}, "fr", "de", "ar"),  # data-lang beats both
    ({"lang": "de-AT"}, None, None, "de"),
    ({"lang": "fr_CA"}, None, None, "fr"),
    ({"lang": "xx"}, "fr", None, "fr"),  # an unknown data-lang is ignored
    ({"lang": "../../etc"}, None, "de", "de"),
])
def test_language_order_lang_then_site_then_browser(client, query, site_language, accept, expected):
    site = make_site(default_language=site_language)
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get(thread_url(site, **query), headers=headers)
    assert response.status_code == 200
    assert f'lang="{expected}"' in html_tag(response.text)


@pytest.mark.parametrize(("lang", "direction", "no_comments", "label", "button"), [
    ("en", "ltr", "No comments yet", "Name", "Post comment"),
    ("de", "ltr", "Noch keine Kommentare", "Name", "Kommentar abschicken"),
    ("fr", "ltr", "Pas encore de commentaires", "Nom", "Publier le commentaire"),
    ("ar", "rtl", "لا توجد تعليقات بعد", "الاسم", "نشر التعليق"),
])
def test_thread_page_in_each_language(client, site, lang, direction, no_comments, label, button):
    html = client.get(thread_url(site, lang=lang)).text
    assert html_tag(html).startswith(f'<html lang="{lang}" dir="{direction}"')
    assert heading(html) == no_comments
    assert f">{label}</label>" in html
    assert f">{button}</button>" in html


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 1, "1 comment"), ("en", 2, "2 comments"),
    ("de", 1, "1 Kommentar"), ("de", 3, "3 Kommentare"),
    ("fr", 1, "1 commentaire"), ("fr", 2, "2 commentaires"),
    ("ar", 1, "تعليق واحد"), ("ar", 2, "تعليقان"), ("ar", 3, "3 تعليقات"),
])
def test_comment_count_has_each_languages_plural(client, site, lang, count, expected):
    thread = make_thread(site)
    for number in range(count):
        make_comment(thread, f"Comment {number}")
    assert heading(client.get(thread_url(site, lang=lang)).text) == expected


def test_script_plural_forms_follow_cldr_categories(app):
    """thread.js picks a form with Intl.PluralRules: each CLDR category maps to its form."""
    with app.test_request_context("/?lang=ar"):
        refresh()
        forms = plural_forms("%(num)s comment", "%(num)s comments")
    assert forms == {"zero": "%(num)s تعليق", "one": "تعليق واحد", "two": "تعليقان",
                     "few": "%(num)s تعليقات", "many": "%(num)s تعليقًا", "other": "%(num)s تعليق"}


def test_dates_are_localized(client, site):
    thread = make_thread(site)
    make_comment(thread, "Old", created_at=datetime(2026, 3, 5, 14, 3))
    make_comment(thread, "Recent", created_at=utcnow() - timedelta(hours=2, minutes=5))
    german = client.get(thread_url(site, lang="de")).text
    # CLDR's exact patterns change between Babel releases; the language's words do not.
    assert re.search(r'title="5\. März 2026[^"]*14:03:00 UTC"', german)
    assert 'datetime=2026-03-05T14:03:00Z ' in german  # the machine-readable time stays ISO
    assert ">vor 2 Stunden</time>" in german
    french = client.get(thread_url(site, lang="fr")).text
    assert re.search(r'title="5 mars 2026[^"]*14:03:00[^"]*"', french)
    assert ">il y a 2 heures</time>" in french
    arabic = client.get(thread_url(site, lang="ar")).text
    assert ">قبل ساعتين</time>" in arabic


def test_short_times_follow_the_locale(app):
    moment = datetime(2026, 11, 25, 15, 3)
    with app.test_request_context("/?lang=de"):
        refresh()
        assert short_time(moment) == "25.11.2026, 15:03 UTC"
    with app.test_request_context("/?lang=en"):
        refresh()
        assert short_time(moment).startswith("Nov 25, 2026")


def test_relative_time_of_a_moment_ago_is_just_now(app):
    now = datetime(2026, 5, 1, 12, 0)
    with app.test_request_context("/?lang=de"):
        refresh()
        assert relative_time(now - timedelta(seconds=10), now) == "gerade eben"
        assert relative_time(now + timedelta(seconds=30), now) == "gerade eben"  # clock skew
        assert relative_time(now - timedelta(days=3), now) == "vor 3 Tagen"


def test_form_errors_are_in_the_readers_language(client, site):
    page = client.get(thread_url(site, lang="de")).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(thread_url(site, lang="de"), data={
        "csrf_token": token, "name": "", "text": "Hallo", "website": "ftp://x"})
    assert response.status_code == 422
    assert "Bitte geben Sie Ihren Namen ein." in response.text
    assert "Bitte geben Sie eine Webadresse ein, die mit http:// oder https:// beginnt." in response.text
    assert "Hallo</textarea>" in response.text  # what the reader typed is kept

    as_json = client.post(thread_url(site, lang="fr"), data={"csrf_token": "forged", "text": ""},
                          headers={"Accept": "application/json"})
    assert as_json.status_code == 422
    body = as_json.get_json()
    assert body["message"] == "Le commentaire n’a pas été publié."
    assert body["errors"]["text"] == ["Veuillez écrire un commentaire."]
    assert body["errors"]["csrf_token"] == [
        "Ce formulaire n’a pas pu être vérifié. Rechargez la page et publiez à nouveau."]


def test_wtforms_own_messages_are_translated_too(client, site):
    page = client.get(thread_url(site, lang="de")).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(thread_url(site, lang="de"), data={
        "csrf_token": token, "name": "N" * 101, "text": "Hallo"})
    assert response.status_code == 422
    assert "Feld kann nicht länger als 100 Zeichen sein." in response.text


@pytest.mark.parametrize(("path", "title", "message"), [
    ("/t/nosuchkey?url=https://blog.example.com/a&lang=de", "Nicht gefunden",
     "Es ist keine Website mit dem Schlüssel „nosuchkey“ registriert."),
    ("/no/such/page?lang=fr", "Introuvable", "Il n’y a rien à cette adresse."),
    ("/t/{key}?url=ftp://blog.example.com/a&lang=ar", "طلب غير صالح",
     "يجب أن يبدأ رابط المقالة بـ http:// أو https://."),
])
def test_error_pages_are_translated(client, site, path, title, message):
    url = path.format(key=site.key)
    response = client.get(url)
    assert f"<h1>{title}</h1>" in response.text
    assert message in response.text
    as_json = client.get(url, headers={"Accept": "application/json"})
    assert as_json.get_json() == {"error": title, "message": message}


def test_script_strings_are_a_json_block_in_the_page_language(client, site):
    html = client.get(thread_url(site, lang="de")).text
    block = re.search(r'<script type="application/json" id="widget-strings">(.*?)</script>', html)
    strings = json.loads(block.group(1))
    assert strings["cancel"] == "Abbrechen"
    assert strings["replyTo"] == "Antwort an %(name)s"
    assert strings["count"] == {"one": "%(num)s Kommentar", "other": "%(num)s Kommentare"}
    assert strings["posted"] == "Ihr Kommentar wurde veröffentlicht."


def test_reply_links_and_forms_keep_language_and_theme(client, site):
    thread = make_thread(site)
    comment = make_comment(thread, "Hi")
    html = client.get(thread_url(site, lang="fr", theme="dark")).text
    assert '<input type="hidden" name="lang" value="fr">' in html
    assert '<input type="hidden" name="theme" value="dark">' in html
    action = re.search(r'<form class="comment-form" id="reply-form" method="post"\s+action="([^"]+)"',
                       html).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(action).query)["lang"] == ["fr"]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(action, data={"csrf_token": token, "name": "Zoé", "text": "Salut",
                                         "parent": str(comment.id)})
    assert response.status_code == 303
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["lang"] == ["fr"] and query["theme"] == ["dark"]


def test_cli_sets_a_sites_default_language(runner, site):
    result = runner.invoke(args=["sites", "set-language", site.key, "de-CH"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Site, site.id).default_language == "de"
    refused = runner.invoke(args=["sites", "set-language", site.key, "klingon"])
    assert refused.exit_code == 2 and "not one of the languages" in refused.output
    assert db.session.get(Site, site.id).default_language == "de"
    runner.invoke(args=["sites", "set-language", site.key, "auto"])
    assert db.session.get(Site, site.id).default_language is None
