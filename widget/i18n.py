"""Languages: Flask-Babel set-up, which language a request gets, and the strings thread.js needs.

A reader's language is chosen in this order: the `lang` query parameter (embed.js passes
the snippet's `data-lang`), then the site's default language, then the browser's
Accept-Language. Adding a language is adding a catalog under widget/translations/.
"""

from datetime import timedelta
from functools import cache
from gettext import NullTranslations

from babel import Locale, UnknownLocaleError
from babel.support import Translations
from babel.dates import get_datetime_format
from flask import current_app, g, has_request_context, request
from flask_babel import (
    format_date,
    format_datetime,
    format_number,
    format_time,
    format_timedelta,
    get_locale,
    get_translations,
    gettext,
    refresh,
)
from flask_babel import lazy_gettext as _l
from wtforms.i18n import messages_path

from .extensions import babel
from .models import utcnow

DEFAULT_LANGUAGE = "en"
RIGHT_TO_LEFT = {"ar", "he"}  # of the languages we ship; tests check Babel agrees
JUST_NOW = timedelta(seconds=45)
STATUS_NAMES = {"pending": _l("awaiting moderation"), "approved": _l("approved"),
                "spam": _l("spam"), "deleted": _l("deleted")}


def available_languages():
    """English (the source language) and every language with a compiled catalog."""
    return current_app.extensions["widget_languages"]


def _find_languages(app):
    """Catalog names as on disk ("de", "zh_Hans"), English first, then alphabetical."""
    with app.app_context():
        found = sorted(str(locale) for locale in babel.list_translations())
    return [DEFAULT_LANGUAGE] + [code for code in found if code != DEFAULT_LANGUAGE]


def supported_language(value):
    """The catalog a tag like "de", "de-AT", "fr_CA" or "zh-CN" names, else None.

    A region falls back to its language ("pt-PT" reads our "pt"); a script must match
    where a catalog names one: "zh", "zh-CN" and "zh-Hans" read "zh_Hans", "zh-TW"
    (Traditional) does not.
    """
    if not value:
        return None
    try:
        locale = Locale.parse(value.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    for code in available_languages():
        catalog = Locale.parse(code)
        # A bare "zh" names no script: any of ours will do ("zh-CN" comes with its Hans).
        any_script = locale.script is None and locale.territory is None
        if catalog.language == locale.language and (
                any_script or catalog.script in (None, locale.script)):
            return code
    return None


def status_name(status):
    """A comment status as readers and admins read it: "awaiting moderation", "published"…"""
    value = getattr(status, "value", status)
    return str(STATUS_NAMES.get(value, value))


def language_name(code):
    """A language's name in itself, e.g. "Deutsch", "Français", "العربية"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def use_site_language(language):
    """Let a view say which site the request is for, before anything is translated."""
    g.site_language = supported_language(language)
    refresh()  # a locale chosen before this point (e.g. by an early error) is recomputed


def select_locale():
    """The `lang` parameter, else the site's default, else Accept-Language, else English."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # the command line speaks English
    chosen = supported_language(request.args.get("lang"))
    if chosen:
        return chosen
    site_language = g.get("site_language")
    if site_language:
        return site_language
    for tag, _quality in request.accept_languages:  # best first
        chosen = supported_language(tag)
        if chosen:
            return chosen
    return DEFAULT_LANGUAGE


def current_language():
    """The page's language as a BCP 47 tag for <html lang> and Intl: "de", "zh-Hans"."""
    return str(get_locale() or DEFAULT_LANGUAGE).replace("_", "-")


def text_direction():
    """"rtl" for Arabic and Hebrew (RIGHT_TO_LEFT; Babel knows it too): the page's <html dir>."""
    locale = get_locale()
    return locale.text_direction if locale else "ltr"


ENGLISH = NullTranslations()  # the source language: the messages as written


def english_plural(singular, plural, num):
    """English words for `num` things, for text that is English by design (command-line
    output): no catalog is asked."""
    return ENGLISH.ngettext(singular, plural, num) % {"num": num}


def count_text(singular, plural, number, **variables):
    """ngettext with %(num)s written as the language writes numbers ("10.000" in German):
    flask_babel's ngettext puts in the bare int. `number` also picks the plural form."""
    return get_translations().ngettext(singular, plural, number) % {
        **variables, "num": format_number(number)}


def long_time(moment):
    """The full local date and time, e.g. "12. November 2026 um 14:03:00 UTC"."""
    return format_datetime(moment, "long")


def short_time(moment):
    """Date and minutes in the locale's order, e.g. "Nov 25, 2026, 3:03 PM UTC"."""
    pattern = get_datetime_format("medium", locale=get_locale() or DEFAULT_LANGUAGE)
    when = pattern.replace("{1}", format_date(moment, "medium"))
    return when.replace("{0}", format_time(moment, "short")) + " UTC"


def relative_time(moment, now=None):
    """How long ago, e.g. "3 hours ago" / "vor 3 Stunden"; under a minute, "just now"."""
    elapsed = (now or utcnow()) - moment
    if elapsed < JUST_NOW:
        return gettext("just now")  # also for a clock a little ahead of ours
    return format_timedelta(-elapsed, granularity="minute", add_direction=True)


def plural_forms(singular, plural):
    """A message's untranslated plural forms, keyed by CLDR plural category, for scripts.

    thread.js picks the form with Intl.PluralRules and puts the number in "%(num)s"; the
    gettext plural rules of our catalogs come from the same CLDR data.
    """
    locale = get_locale() or Locale.parse(DEFAULT_LANGUAGE)
    translations = get_translations()
    forms = {}
    for number in range(0, 200):
        category = locale.plural_form(number)
        if category not in forms:
            forms[category] = translations.ngettext(singular, plural, number)
    return forms


def thread_script_strings():
    """What thread.js says, in the page's language; the page carries it as a JSON block."""
    return {
        "count": plural_forms("%(num)s comment", "%(num)s comments"),
        "noComments": gettext("No comments yet"),
        "replyTo": gettext("Reply to %(name)s"),
        "replyToDeleted": gettext("Reply to a deleted comment"),
        "cancel": gettext("Cancel"),
        "notPosted": gettext("The comment was not posted."),
        "networkError": gettext(
            "The comment could not be sent. Check your connection and try again."),
        "posted": gettext("Your comment was posted."),
        "pending": gettext("Your comment was posted and awaits moderation."),
        "justNow": gettext("just now"),
        "copyLink": gettext("Copy link"),
        "linkCopied": gettext("Link copied"),
        "linkToComment": gettext("Link to this comment"),
        "rememberMe": gettext("Remember me in this browser"),
        "edit": gettext("Edit"),
        "delete": gettext("Delete"),
        "changeText": gettext("Change your text"),
        "save": gettext("Save"),
        "serverUnreachable": gettext("Could not reach the server. Try again."),
        "changeNotSent": gettext(
            "The change could not be sent. Check your connection and try again."),
        "confirmDelete": gettext("Delete your comment? This cannot be undone."),
        "failed": gettext("That did not work."),
        "like": gettext("Like"),
        "liked": gettext("Liked"),
        "preview": gettext("Preview"),
        "nothingToPreview": gettext("Nothing to preview yet."),
        "moreShown": gettext("More comments are shown below."),
        "signIn": gettext("Sign in"),
        "hideReplies": gettext("Hide replies"),
        "showReplies": plural_forms("Show %(num)s more reply", "Show %(num)s more replies"),
    }


def wtforms_translations():
    """WTForms' own messages (its validators' defaults) in the request's language.

    Flask-WTF reads WTForms' catalog from disk again in every request that makes a form,
    a good part of a post's time; each language's catalog is read once per process here."""
    return _wtforms_catalog(str(get_locale() or DEFAULT_LANGUAGE))


@cache
def _wtforms_catalog(language):
    return Translations.load(messages_path(), [language], domain="wtforms")


def _reset_locale():
    """Tests may keep one app context across requests: choose the language afresh."""
    g.pop("site_language", None)
    refresh()


def init_app(app):
    babel.init_app(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE,
                   default_timezone="UTC")
    app.extensions["widget_languages"] = _find_languages(app)
    app.before_request(_reset_locale)
    app.add_template_global(current_language)
    app.add_template_global(text_direction)
    app.add_template_global(thread_script_strings)
    app.add_template_global(status_name)
    app.add_template_filter(long_time)
    app.add_template_filter(relative_time)
    app.add_template_filter(short_time, name="shorttime")
