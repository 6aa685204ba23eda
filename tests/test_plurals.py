"""Numbers before nouns go through Babel's plural forms: Arabic's six, Russian's three…
(issue 20: the lockout said "بعد ثانيتان", Babel's nominative dual after a preposition)."""

import re

import pytest
from babel.messages.extract import extract_from_dir

from tests.conftest import BASE_CONFIG
from tests.test_i18n_catalogs import KEYWORDS, PROJECT
from widget import create_app
from widget.admin.views_auth import _lockout_message
from widget.i18n import count_text


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app for the module: rendering messages needs a request, not a database."""
    folder = tmp_path_factory.mktemp("plurals")
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/unused.db"},
                      instance_path=str(folder))


AR_IN = "محاولات دخول فاشلة كثيرة جدًا. حاول مرة أخرى بعد "


@pytest.mark.parametrize("seconds, words", [
    (1, "ثانية واحدة"), (2, "ثانيتين"), (3, "3 ثوانٍ"), (11, "11 ثانية"), (60, "60 ثانية"),
])
def test_the_arabic_lockout_in_seconds_is_grammatical(app, seconds, words):
    with app.test_request_context("/admin/login?lang=ar"):
        assert _lockout_message(seconds) == f"{AR_IN}{words}."


@pytest.mark.parametrize("minutes, words", [
    (2, "دقيقتين"), (3, "3 دقائق"), (11, "11 دقيقة"), (100, "100 دقيقة"),
])
def test_the_arabic_lockout_in_minutes_is_grammatical(app, minutes, words):
    """From 90 seconds on the wait is whole minutes (so never "1 minute")."""
    with app.test_request_context("/admin/login?lang=ar"):
        assert _lockout_message(minutes * 60) == f"{AR_IN}{words}."


@pytest.mark.parametrize("language, minutes, words", [
    ("ru", 2, "2 минуты"), ("ru", 5, "5 минут"), ("ru", 21, "21 минуту"),
    ("pl", 2, "2 minuty"), ("pl", 5, "5 minut"), ("uk", 3, "3 хвилини"), ("uk", 11, "11 хвилин"),
    ("de", 15, "15 Minuten"), ("en", 2, "2 minutes."),
])
def test_the_lockout_uses_each_languages_plural_forms(app, language, minutes, words):
    with app.test_request_context(f"/admin/login?lang={language}"):
        assert words in _lockout_message(minutes * 60)


@pytest.mark.parametrize("language, seconds, words", [
    ("en", 1, "in 1 second."), ("de", 1, "in 1 Sekunde erneut"), ("ru", 1, "через 1 секунду"),
    ("pl", 22, "za 22 sekundy"), ("he", 2, "בעוד שתי שניות"),
])
def test_a_wait_under_90_seconds_is_said_in_seconds(app, language, seconds, words):
    with app.test_request_context(f"/admin/login?lang={language}"):
        assert words in _lockout_message(seconds)


METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"),
           ("**.py", "python")]
# A number followed by a word it counts: "%(num)s seconds", "%(limit)s characters"
# (units such as "%(size)s MB" or "%(ms)s ms" do not agree with the number).
COUNTED = re.compile(r"%\((num|count|limit|length|max|minutes|hours|seconds|days|total|given)\)s "
                     r"(?!(MB|KiB|ms)\b)[^\W\d]")


def test_every_counted_noun_is_a_plural_message():
    """A message that puts a number before a noun must be an ngettext/count_text one."""
    singular_only = [message for _file, _line, message, _comments, _context
                     in extract_from_dir(str(PROJECT / "widget"), METHODS, keywords=KEYWORDS)
                     if isinstance(message, str) and COUNTED.search(message)]
    assert singular_only == []


@pytest.mark.parametrize("number, words", [
    (3, "3 أحرف"), (11, "11 حرفًا"), (99, "99 حرفًا"), (100, "100 حرف"), (102, "102 حرف"),
])
def test_arabic_counts_11_to_99_take_the_accusative_and_100_the_genitive(app, number, words):
    """The catalog's form 4 is 100-102 and form 5 is 11-99 (Babel's order, not CLDR's
    'many' before 'other'): a swap shows here, where the two forms differ."""
    with app.test_request_context("/?lang=ar"):
        message = count_text("Please use a name of at most %(num)s character.",
                             "Please use a name of at most %(num)s characters.", number)
    assert message == f"يُرجى استخدام اسم لا يتجاوز {words}."
