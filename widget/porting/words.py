"""The import report's words, kept as a message and its parameters until they are shown.

An import is read on the command line (English: it has no request) and on the dashboard
(the reader's language), so the readers and the writer say what they skipped and why with
`words` and `counted_words` rather than a formatted string, as the audit log keeps a
message key and parameters (admin/audit_details.py). The text is made where it is shown:
str() in the current language, and in a template (__html__) with every parameter, which
quotes the file (an id, a URL, a parser's message), escaped and isolated in a <bdi>, so a
Latin URL keeps its order in an Arabic sentence. A parameter may be Words itself.
"""

from flask import has_app_context
from flask_babel import format_number, get_translations
from markupsafe import Markup, escape

from ..i18n import ENGLISH


class Words:
    """A message (with its plural when `num` counts something) and its parameters."""

    __slots__ = ("singular", "plural", "num", "params")

    def __init__(self, singular, plural=None, num=None, params=None):
        self.singular, self.plural, self.num = singular, plural, num
        self.params = params or {}

    def render(self, html=False):
        """The text in the request's language, else (the command line) in English."""
        catalog = get_translations() if has_app_context() else ENGLISH
        values = {name: _shown(value, html) for name, value in self.params.items()}
        if self.plural is None:
            message = catalog.gettext(self.singular)
        else:
            message = catalog.ngettext(self.singular, self.plural, self.num)
            values["num"] = format_number(self.num) if has_app_context() else str(self.num)
        if not values:
            return escape(message) if html else message
        return escape(message) % values if html else message % values

    def __str__(self):
        return self.render()

    def __html__(self):
        return self.render(html=True)

    def __repr__(self):
        return f"Words({self.render()!r})"


def _shown(value, html):
    if isinstance(value, Words):
        return value.render(html)
    return Markup("<bdi>%s</bdi>") % value if html else value


def words(message, **params):
    """A message whose %(name)s placeholders are filled from `params` when shown."""
    return Words(message, params=params)


def counted_words(singular, plural, num, **params):
    """A plural message for `num` things (%(num)s, written as the language writes it)."""
    return Words(singular, plural, num, params)
