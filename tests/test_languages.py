"""The fifteen languages: each one is reachable, right-to-left where it should be, and
speaks its own plurals, dates and numbers (tests/test_i18n.py has the mechanics)."""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from babel import Locale
from flask_babel import refresh

from widget.i18n import RIGHT_TO_LEFT, available_languages, plural_forms
from widget.models import utcnow

from .conftest import make_comment, make_thread
from .test_i18n import database, heading, html_tag  # noqa: F401  (SQLite only, as there)
from .test_thread_page import thread_url

TRANSLATIONS = Path(__file__).resolve().parent.parent / "widget" / "translations"
ON_DISK = sorted(path.name for path in TRANSLATIONS.iterdir() if (path / "LC_MESSAGES").is_dir())
# "Post comment" in each language: proof that the catalog is loaded, not just named.
POST_COMMENT = {
    "en": "Post comment", "de": "Kommentar abschicken", "fr": "Publier le commentaire",
    "ar": "نشر التعليق", "he": "פרסום תגובה", "es": "Publicar comentario",
    "pt": "Publicar comentário", "it": "Pubblica commento", "nl": "Reactie plaatsen",
    "pl": "Opublikuj komentarz", "ru": "Опубликовать", "uk": "Опублікувати",
    "tr": "Yorumu gönder", "ja": "コメントを投稿", "zh_Hans": "发表评论",
}


def test_every_catalog_on_disk_is_offered(app):
    assert available_languages() == ["en"] + ON_DISK
    assert set(POST_COMMENT) == set(available_languages())  # a new language: add it above


def test_right_to_left_is_arabic_and_hebrew_and_babel_agrees(app):
    assert RIGHT_TO_LEFT == {"ar", "he"}
    for code in available_languages():
        expected = "rtl" if code in RIGHT_TO_LEFT else "ltr"
        assert Locale.parse(code).text_direction == expected, code


def test_each_language_serves_its_own_thread(client, site):
    for code, words in POST_COMMENT.items():
        html = client.get(thread_url(site, lang=code.replace("_", "-"))).text
        direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
        assert html_tag(html).startswith(
            f'<html lang="{code.replace("_", "-")}" dir="{direction}"'), code
        assert f">{words}</button>" in html, code


@pytest.mark.parametrize(("accept", "expected"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans"),  # what a browser in mainland China sends
    ("zh", "zh-Hans"),
    ("zh-Hans-CN", "zh-Hans"),
    ("zh-TW,en;q=0.5", "en"),  # Traditional is not Simplified: the next choice
    ("pt-BR,pt;q=0.9", "pt"),
    ("pt-PT", "pt"),
    ("he-IL,he;q=0.9", "he"),
    ("ko,uk;q=0.7,ru;q=0.3", "uk"),  # the best we speak, in the reader's order
    ("es-419", "es"),
])
def test_browsers_tags_find_our_catalogs(client, site, accept, expected):
    html = client.get(thread_url(site), headers={"Accept-Language": accept}).text
    assert f'lang="{expected}"' in html_tag(html)


@pytest.mark.parametrize("tag", ["zh-CN", "zh_CN", "zh-Hans", "zh"])
def test_data_lang_zh_cn_reads_simplified_chinese(client, site, tag):
    html = client.get(thread_url(site, lang=tag)).text
    assert '<html lang="zh-Hans"' in html and heading(html) == "暂无评论"


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("ru", 1, "1 комментарий"), ("ru", 3, "3 комментария"), ("ru", 5, "5 комментариев"),
    ("pl", 2, "2 komentarze"), ("he", 2, "שתי תגובות"), ("ja", 2, "2 件のコメント"),
])
def test_comment_counts_use_each_languages_plural_forms(client, site, lang, count, expected):
    thread = make_thread(site)
    for number in range(count):
        make_comment(thread, f"Comment {number}")
    assert heading(client.get(thread_url(site, lang=lang)).text) == expected


@pytest.mark.parametrize(("lang", "expected"), [
    ("ru", {"one": "%(num)s комментарий", "few": "%(num)s комментария",
            "many": "%(num)s комментариев"}),  # "other" is for fractions: no integer has it
    ("uk", {"one": "%(num)s коментар", "few": "%(num)s коментарі",
            "many": "%(num)s коментарів"}),
    ("ja", {"other": "%(num)s 件のコメント"}),
    ("zh_Hans", {"other": "%(num)s 条评论"}),
])
def test_script_plurals_cover_every_cldr_category(app, lang, expected):
    """thread.js picks "21 комментарий" / "5 комментариев" with Intl.PluralRules."""
    with app.test_request_context(f"/?lang={lang}"):
        refresh()
        assert plural_forms("%(num)s comment", "%(num)s comments") == expected


def test_dates_and_numbers_in_a_non_latin_locale(client, site):
    thread = make_thread(site)
    make_comment(thread, "Old", created_at=datetime(2026, 3, 5, 14, 3))
    make_comment(thread, "Recent", created_at=utcnow() - timedelta(hours=2, minutes=5))
    japanese = client.get(thread_url(site, lang="ja")).text
    assert re.search(r'title="2026年3月5日[^"]*14:03:00[^"]*"', japanese)
    assert ">2 時間前</time>" in japanese
    russian = client.get(thread_url(site, lang="ru")).text
    assert re.search(r'title="5 марта 2026[^"]*14:03:00 UTC"', russian)
    assert ">2 часа назад</time>" in russian
    hebrew = client.get(thread_url(site, lang="he")).text
    assert 'dir="rtl"' in html_tag(hebrew) and "במרץ 2026" in hebrew


@pytest.fixture
def app_config():
    return {"DEMO": True}  # the demo page at "/" (nothing else here depends on it)


def test_the_demo_links_every_language_in_its_own_name(client):
    html = client.get("/?lang=he").text
    assert '<html lang="he" dir="rtl">' in html and 'data-lang="he"' in html
    names = [("ja", "日本語"), ("zh_Hans", "中文 (简体)"), ("uk", "Українська"), ("he", "עברית")]
    for code, name in names:
        assert f'lang="{code.replace("_", "-")}" dir="auto"' in html, code
        assert f">{name}</a>" in html, code
    assert html.count("<li><a href=") == len(POST_COMMENT)
    assert '<pre dir="ltr" tabindex="0">' in html  # the snippet reads left to right on any page


def test_a_hebrew_name_in_an_english_sentence_is_isolated(client, site):
    thread = make_thread(site)
    parent = make_comment(thread, "שלום לכולם", author="דנה")
    reply_page = client.get(thread_url(site, reply=str(parent.id))).text
    assert "Reply to <bdi>דנה</bdi>" in reply_page  # the name keeps to itself
    # (Past the deepest nesting, "in reply to @<bdi>name</bdi>": tests/test_abuse_limits.py.)
