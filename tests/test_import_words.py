"""The import report's words (widget/porting/words.py): put into the language where they
are shown, with what they quote of the file escaped and isolated on a page."""

import pytest
from markupsafe import escape

from tests.test_plurals import app  # noqa: F401 (one app for the module, no database)
from widget.porting.stream import comment_label
from widget.porting.words import counted_words, words

HOSTILE_URL = 'http://example.org/"><script>alert(1)</script>'


def test_outside_a_request_the_words_are_english():
    assert str(comment_label("7", "1337")) == "comment 7 (thread 1337)"
    assert str(counted_words("likes of %(num)s comment", "likes of %(num)s comments", 2)) == \
        "likes of 2 comments"


def test_on_a_page_what_is_quoted_is_escaped_and_isolated(app):  # noqa: F811
    with app.test_request_context("/?lang=de"):
        label = words("thread %(id)s (%(url)s)", id="3", url=HOSTILE_URL)
        assert str(label) == f"Diskussion 3 ({HOSTILE_URL})"
        assert escape(label) == ('Diskussion <bdi>3</bdi> (<bdi>http://example.org/&#34;&gt;'
                                 '&lt;script&gt;alert(1)&lt;/script&gt;</bdi>)')


@pytest.mark.parametrize("number, text", [
    (1, "إعجابات تعليق واحد"), (2, "إعجابات تعليقين"), (3, "إعجابات 3 تعليقات"),
    (11, "إعجابات 11 تعليقًا"), (100, "إعجابات 100 تعليق"),
])
def test_counts_take_the_languages_plural_forms(app, number, text):  # noqa: F811
    with app.test_request_context("/?lang=ar"):
        assert str(counted_words("likes of %(num)s comment", "likes of %(num)s comments",
                                 number)) == text


def test_a_label_inside_a_reason_is_put_into_the_same_language(app):  # noqa: F811
    with app.test_request_context("/?lang=fr"):
        likes = words("likes of %(comment)s", comment=comment_label("5", "9"))
        assert str(likes) == "« J’aime » de commentaire 5 (discussion 9)"
        assert escape(likes) == ("« J’aime » de commentaire <bdi>5</bdi> "
                                 "(discussion <bdi>9</bdi>)")
