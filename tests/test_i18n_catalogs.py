"""The catalogs are complete and current, and no template has text outside gettext."""

import re
from functools import cache
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "widget" / "templates"
TRANSLATIONS = PROJECT / "widget" / "translations"
# Every catalog on disk (a new language is tested as soon as `pybabel init` makes it).
LANGUAGES = sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
PLACEHOLDER = re.compile(r"%\([^)]*\)[a-z]")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "plural_forms": (1, 2),
            "count_text": (1, 2), "words": None, "counted_words": (1, 2)}  # porting/words.py
# Attributes whose values people read or hear (screen readers speak title and aria-label).
SPOKEN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
EXPRESSION = " "  # stands for whatever a {{ }} or {% %} puts there (also inside a tag)
LETTER = re.compile(r"[^\W\d_]")
ATTRIBUTE_BLOCK = re.compile(r"(_class|_attributes)$")


class VisibleText(HTMLParser):
    """Collects text nodes and spoken attributes, skipping code samples, scripts and styles."""

    # Code samples, scripts, styles, and the machine-read parts of an Atom feed.
    SKIPPED = {"script", "style", "code", "pre", "generator", "id", "uri", "name"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value and LETTER.search(value):
                self.found.append(f"{tag}[{name}]: {value.strip()}")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        text = data.strip()
        if not self.skipping and LETTER.search(text):
            self.found.append(text)


def untranslated_text(source):
    """Text a reader sees that is written into the template instead of going through _()."""
    markup = []
    tag_names = []  # the names in the current {% … %} tag
    in_attribute_block = False
    for _line, token_type, value in Environment().lex(source):
        if token_type == "block_begin":
            tag_names = []
        elif token_type == "name":
            tag_names.append(value)
        elif token_type == "block_end" and tag_names:
            # {% block body_class %}…{% endblock %} fills in a layout's attribute, not text.
            if tag_names[0] == "block" and ATTRIBUTE_BLOCK.search(tag_names[-1]):
                in_attribute_block = True
            elif tag_names[0] == "endblock":
                in_attribute_block = False
        if token_type == "data" and not in_attribute_block:
            markup.append(value)
        else:
            markup.append(EXPRESSION)
    html = "".join(markup)
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.found


def all_templates():
    """Pages, emails (plain text) and feeds."""
    return sorted(path for pattern in ("*.html", "*.txt", "*.xml")
                  for path in TEMPLATES.rglob(pattern))


def test_the_checker_finds_untranslated_text():
    assert untranslated_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert untranslated_text('<a title="Open it" href="{{ url }}">{{ _("Open") }}</a>') == [
        "a[title]: Open it"]
    assert untranslated_text("{% if x %}<b>Reply</b>{% endif %}") == ["Reply"]
    assert untranslated_text('<p>{{ _("Hello %(name)s", name=name) }}</p>') == []
    assert untranslated_text("<pre><code>&lt;div id=x&gt;</code></pre><p>{{ n }} &gt; 2</p>") == []
    assert untranslated_text('<a title="{{ _(\'Open\') }}" href="#">…</a>') == []
    assert untranslated_text('{% block body_class %}page{% endblock %}{% block x %}Hi{% endblock %}') == ["Hi"]


@pytest.mark.parametrize("template", all_templates(), ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_templates_have_no_untranslated_text(template):
    assert untranslated_text(template.read_text(encoding="utf-8")) == []


@cache
def extracted_messages():
    """What `pybabel extract` finds in the code now (so a new string fails until added)."""
    method_map = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"),
                  ("**/templates/**.xml", "jinja2"), ("**.py", "python")]
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(PROJECT / "widget"), method_map, keywords=KEYWORDS):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def catalog(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=language)


def test_extraction_finds_the_messages():
    messages = {msgid for msgid, _context in extracted_messages()}
    assert "Post comment" in messages and "Please enter your name." in messages
    assert "%(num)s comment" in messages  # plural_forms("…", "…") is a keyword too


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language):
    translations = catalog(language)
    missing = []
    for msgid, context in sorted(extracted_messages(), key=str):
        message = translations.get(msgid, context=context)
        strings = message.string if message else None
        if isinstance(strings, str):
            strings = [strings]
        if not message or not all(strings) or message.fuzzy:
            missing.append(msgid)
    assert missing == [], f"run `make translations` and translate these in {language}"


def test_we_ship_at_least_fifteen_languages_two_right_to_left():
    assert len(LANGUAGES) + 1 >= 15 and {"ar", "he", "zh_Hans"} <= set(LANGUAGES)


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def test_the_placeholder_check_can_fail():
    assert placeholders("%(num)s of %(name)s") == ["%(name)s", "%(num)s"]
    assert placeholders("%(num)s von %(nme)s") != placeholders("%(num)s of %(name)s")


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language):
    """A lost or misspelt %(name)s breaks the page (KeyError) or drops a value."""
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):
            # One plural form may leave out the number ("one comment"), never add a name.
            expected = set(placeholders(message.id[1]))
            for form in filter(None, message.string):  # an empty one fails the test above
                found = set(placeholders(form))
                if not found <= expected or expected - found - {"%(num)s"}:
                    wrong.append((message.id[0], form))
        elif placeholders(message.string) != placeholders(message.id):
            wrong.append((message.id, message.string))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_passes_babels_checks(language):
    problems = [(message.id, [str(error) for error in errors])
                for message, errors in catalog(language).check() if errors]
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_po_file(language):
    """The .mo files are committed; they must be compiled from the current .po."""
    compiled = BytesIO()
    write_mo(compiled, catalog(language))
    compiled.seek(0)
    expected = {str(message.id): str(message.string) for message in read_mo(compiled) if message.id}
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        committed = {str(message.id): str(message.string) for message in read_mo(handle) if message.id}
    assert committed == expected, "run `make translations` to compile the catalogs"
