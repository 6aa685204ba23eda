"""Every page a user can reach, in every language we ship, at 320 and 1,280 px, light and
dark: no page wider than its window, no text cut by its box, no serious or critical axe
violation, no English string left on a translated page.

The pages (PAGES below): the thread in each state (empty, a discussion with nesting and
code, closed, the reader's own comment awaiting moderation, page 2 of a big thread, the
no-script preview, the edit page, the form with errors), the embed on the demo article
page, every dashboard page (login, overview, queue, threads, sites, a site's page, a new
site, bans, a new ban, audit, commenters, a comment's edit page, an import's report,
webhooks, API tokens, API docs), the notice and error pages (unknown site, origin
refused, 404, 413, 429; the 503 page is the 429's template and is left out: reaching it
takes a database outage) and the pages mail links open (confirm, unsubscribe, approve
and delete, the sign-in link).

How it stays fast (one test item per language, so pytest-xdist shares them out):
- one app, one browser context for readers and one for the signed-in moderator per
  worker, built once for the module; each page is opened once per language, then
  measured by resizing the window (no reload) and, for axe, switching the emulated
  colour scheme (the embed, whose loader reads the host's scheme once, is reloaded);
- the cheap checks (overflow, cut text, the page's strings) are one evaluate per width
  and frame (layout_checks.view_facts). They measure geometry, which the theme does
  not change (it changes colours only), so they run at 320 and 1,280 px in the light
  theme; English and Arabic run them in the dark theme too.
- axe, the expensive part, in a covering design (VIEWS, LANGUAGES in this order):
  page number p in language number l gets axe once, at VIEWS[(p + l) % 4], so every
  page gets axe in every language and, over the languages, at each of the four (width,
  theme) views three or four times. English and Arabic (left to right and right to
  left) get axe at all four views of every page. The two colour rules (COLOUR_RULES:
  contrast, links told from text by colour) check the theme's colours, the same in
  every language, so they run in English and Arabic only, where every view is.
- The English strings: the page's visible text, and the placeholder, title, aria-label,
  alt and button values, are compared with the English rendering of the same page (made
  once per worker, or taken from the English test); a string found on both that is a
  msgid of our catalogue (widget/translations/messages.pot, placeholders filled by
  anything) is an untranslated one, unless SAME_AS_ENGLISH allows it for that
  language, with a reason. Text marked with another lang (a language's own name, the
  API reference's English) is not the page's to translate.

Known to fail until the `looks` branch is merged: the import report is wider than a
320 px phone in every language (its term column does not wrap).
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import pytest
from babel.messages.pofile import read_po
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from tests.admin.conftest import PASSWORD
from tests.browser.axe import axe_problems
from tests.browser.conftest import register_host_site, serving_app, serving_folder
from tests.browser.layout_checks import view_facts
from tests.browser.test_a11y import seed_discussion
from tests.browser.test_a11y_admin import seed_dashboard
from tests.browser.test_embed_in_browser import seed
from tests.conftest import make_comment, make_site, make_thread
from widget.accounts.email_codes import link_token, send_code
from widget.extensions import db
from widget.mail import links
from widget.models import CommentStatus, Thread
from widget.ratelimit import limiter
from widget.sites import create_site
from widget.threads import find_site

pytestmark = pytest.mark.browser

LANGUAGES = ["en", "de", "fr", "ar", "he", "es", "pt", "it", "nl", "pl", "ru", "uk", "tr",
             "ja", "zh_Hans"]
WIDTHS = (320, 1280)
HEIGHT = 800
VIEWS = [(320, "light"), (1280, "dark"), (320, "dark"), (1280, "light")]
EVERY_VIEW = {"en", "ar"}
# Rules about colours alone (text against its background, links against text): what they
# check is the theme's, the same in every language; run where every view is (en, ar).
COLOUR_RULES = ("color-contrast", "link-in-text-block")
CATALOGUE = Path(__file__).parents[2] / "widget" / "translations" / "messages.pot"
FIXTURES = Path(__file__).parent.parent / "fixtures"

# Strings that are rightly the same as the English in a language, with the reason.
TECHNICAL = {"IP", "URL"}  # written so in every language we ship
SAME_AS_ENGLISH = {
    lang: TECHNICAL | words for lang, words in {
        # Loanwords and words spelt alike (German "Name", "Status", "Website").
        "de": {"Admin", "Details", "Format", "Moderation", "Name", "Schemas", "Spam", "Status",
               "Tokens", "Webhooks", "Website", "Website (optional)"},
        "es": {"no", "Spam", "spam", "Tokens", "Webhooks"},
        # "File" is French for a queue (file d'attente): the queue's link, not "File".
        "fr": {"Actions", "Article", "Description", "File", "Format", "Site", "Sites", "Type",
               "Webhooks"},
        "he": {"Webhooks"},  # kept in Latin letters, as Hebrew technical writing does
        # "Ban" is Italian for bans (the link to the bans page); English loanwords.
        "it": {"Account", "Ban", "Email", "email", "File", "In", "no", "Password", "Spam",
               "spam"},
        "nl": {"Account", "Dashboard", "Details", "In", "open", "Parameters", "Site", "Sites",
               "Site “Host”", "Site “Old blog”", "Spam", "spam", "Status", "Tokens", "Type",
               "Webhooks", "Website"},
        "pl": {"Format", "Spam", "spam", "Status"},
        "pt": {"Site", "Sites", "Site “Host”", "Site “Old blog”", "Spam", "spam", "Status",
               "Tokens", "Webhooks"},
        "tr": {"Site", "Site “Host”", "Site “Old blog”", "Spam", "spam"},
    }.items()
} | {lang: TECHNICAL for lang in ("ar", "ja", "ru", "uk", "zh_Hans")}
# Numbers with a unit ("120 ms", "2 KiB") read the same in every language we ship.
NUMBERS = re.compile(r"[\d\s.,:%()]*(ms|KiB|MB|px)?")


def same_as_english(lang, text):
    return text in SAME_AS_ENGLISH.get(lang, ()) or NUMBERS.fullmatch(text)


APP_CONFIG = {
    "RATELIMIT_ENABLED": True, "RATELIMIT_POST": "10000 per minute",
    "RATELIMIT_POST_THREAD": "10000 per minute", "RATELIMIT_ACTIONS": "10000 per minute",
    "THREAD_PAGE_SIZE": 5, "DEMO": True,
    # Long enough for a slow run: the own comment stays editable, the link valid.
    "EDIT_WINDOW": 3600, "SIGN_IN_CODE_LIFETIME": 3600,
}


@dataclass
class Page:
    """A page: its name, how a browser tab reaches it (`go(tab, world)`), and what on it
    shows that it is that page (a CSS selector)."""

    name: str
    go: Callable
    shows: str = "h1"
    signed_in: bool = False
    reload_per_theme: bool = False


def get(path_of):
    """A page reached by a GET of path_of(world)."""
    return lambda tab, world: tab.goto(world.app.base_url + path_of(world))


def thread(article, extra=""):
    return lambda world: (f"/t/{world.site}?url={quote(world.host.origin + article, safe='')}"
                          + extra)


def submit(fill, article="/article.html", use_button=None):
    """A page that is the answer to the thread form sent without scripts, filled with
    fill ({name: value}) past the browser's own checks, as a reader without scripts
    sends it. The form's hidden fields come from the thread, read once (World.form);
    sending it from the page the tab is on saves opening the thread each time."""
    def go(tab, world):
        action, fields, buttons = world.form(article)
        if not tab.url.startswith(world.app.base_url):
            tab.goto(world.app.base_url + "/no/such/page")  # the session cookie goes along
        with tab.expect_navigation() as answer:
            tab.evaluate("""([action, fields]) => {
              const form = document.createElement("form");
              form.method = "post";
              form.action = action;
              for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.append(input);
              }
              document.body.append(form);
              HTMLFormElement.prototype.submit.call(form);
            }""", [buttons[use_button] if use_button else action, {**fields, **fill}])
        return answer.value
    return go


def rate_limited(tab, world):
    """The 429 answer, typed text kept: one thread's limit is made one post an hour (the
    worker's first post there is still within it)."""
    world.app.config["RATELIMIT_POST_THREAD"] = "1 per hour"
    # Flask-Limiter's one limiter object takes its switch and storage from the app made
    # last in this process: another test's app (limits off, or a Redis of its own) may
    # have come after this module's. For this page it counts again, in memory.
    kept = limiter.enabled, limiter._storage, limiter._limiter
    limiter.enabled, limiter._storage = True, MemoryStorage()
    limiter._limiter = FixedWindowRateLimiter(limiter._storage)
    try:
        for _attempt in range(2):
            if submit({"text": "Kept for later", "name": "Kay"}, "/limited.html")(
                    tab, world).status == 429:
                return
        raise AssertionError("the second post to a thread limited to one was not refused")
    finally:
        world.app.config["RATELIMIT_POST_THREAD"] = APP_CONFIG["RATELIMIT_POST_THREAD"]
        limiter.enabled, limiter._storage, limiter._limiter = kept


def import_report(tab, world):
    get(lambda w: f"/admin/sites/{w.import_site}")(tab, world)
    tab.locator("select[name=format]").select_option("wordpress")
    tab.locator("input[type=file]").set_input_files(FIXTURES / "wordpress-isso.xml")
    with tab.expect_navigation():
        tab.locator("#import button[type=submit], form[action$='/import'] button[type=submit]").first.click()
    tab.locator("#import-report").wait_for()


def demo_article(tab, world):
    tab.goto(world.app.base_url + "/")
    tab.frame_locator("#comments iframe").locator(".thread-count").wait_for()


MAIL_FORM = "main form button[type=submit]"  # a mail link's page asks before it acts

PAGES = [
    Page("thread, empty", get(thread("/empty.html")),
         "body:not(:has(article.comment)) #reply-form"),
    Page("thread, a discussion", get(thread("/article.html")), ".comment-replies pre code"),
    Page("thread, closed", get(thread("/closed.html")), ".thread-closed"),
    Page("thread, own comment awaiting moderation", get(thread("/pending.html")),
         "article.comment-pending"),
    Page("thread, page 2", get(thread("/big.html", "&page=2")), ".page-where"),
    Page("thread, no-script preview",
         submit({"text": "**Bold** and `code`"}, use_button="button.form-preview"),
         ".comment-preview strong"),
    Page("thread, form with errors", submit({"text": "Words", "email": "not-an-email"}),
         "#reply-form .field-error"),
    Page("comment edit page", get(lambda w: f"/t/{w.site}/c/{w.own_comment}/edit"
                                           f"?url={quote(w.host.origin + '/pending.html', safe='')}"),
         ".edit-page .edit-form"),
    Page("embed on the demo article", demo_article, "#comments iframe", reload_per_theme=True),
    Page("unknown site", get(lambda w: "/t/no-such-site?url=https%3A%2F%2Fexample.org%2Fa"),
         ".notice-error"),
    Page("origin refused", get(lambda w: f"/t/{w.site}?url=https%3A%2F%2Felsewhere.example%2Fa"),
         ".notice-error"),
    Page("404", get(lambda w: "/no/such/page"), ".notice-error"),
    Page("413", submit({"text": "x" * 300_000, "name": "Kay"}), ".notice-error"),
    Page("429", rate_limited, ".thread:has(.notice-error) textarea"),
    Page("mail: confirm", get(lambda w: w.mail["confirm"]), MAIL_FORM),
    Page("mail: unsubscribe", get(lambda w: w.mail["unsubscribe"]), MAIL_FORM),
    Page("mail: approve", get(lambda w: w.mail["approve"]), MAIL_FORM),
    Page("mail: delete", get(lambda w: w.mail["delete"]), MAIL_FORM),
    Page("mail: sign-in link", get(lambda w: w.mail["sign_in"]), MAIL_FORM),
    Page("dashboard: login", get(lambda w: "/admin/login")),
    Page("dashboard: overview", get(lambda w: "/admin/"), signed_in=True),
    Page("dashboard: queue", get(lambda w: "/admin/comments"), "ol.queue", signed_in=True),
    Page("dashboard: all comments", get(lambda w: "/admin/comments?status=all"), signed_in=True),
    Page("dashboard: threads", get(lambda w: "/admin/threads"), signed_in=True),
    Page("dashboard: sites", get(lambda w: "/admin/sites"), signed_in=True),
    Page("dashboard: a site", get(lambda w: f"/admin/sites/{w.ids['site']}"), signed_in=True),
    Page("dashboard: new site", get(lambda w: "/admin/sites/new"), signed_in=True),
    Page("dashboard: import report", import_report, "#import-report", signed_in=True),
    Page("dashboard: bans", get(lambda w: "/admin/bans"), signed_in=True),
    Page("dashboard: new ban", get(lambda w: f"/admin/bans/new?comment={w.ids['pending']}"),
         signed_in=True),
    Page("dashboard: audit", get(lambda w: "/admin/audit"), signed_in=True),
    Page("dashboard: a commenter", get(lambda w: f"/admin/commenters/{w.ids['member']}"),
         signed_in=True),
    Page("dashboard: a banned commenter", get(lambda w: f"/admin/commenters/{w.ids['banned']}"),
         signed_in=True),
    Page("dashboard: edit a comment", get(lambda w: f"/admin/comments/{w.ids['pending']}/edit"),
         signed_in=True),
    Page("dashboard: webhooks", get(lambda w: f"/admin/sites/{w.ids['site']}/webhooks"),
         signed_in=True),
    Page("dashboard: API tokens", get(lambda w: "/admin/api-tokens"), signed_in=True),
    Page("dashboard: API docs", get(lambda w: "/api/v1/docs"), signed_in=True),
]


class Catalogue:
    """Our msgids: a string of the page that is one of them (placeholders filled) came
    from a translatable message."""

    def __init__(self):
        with CATALOGUE.open("rb") as file:
            ids = [id_ for message in read_po(file) if message.id
                   for id_ in (message.id if isinstance(message.id, tuple) else (message.id,))]
        self.exact = {" ".join(id_.split()) for id_ in ids}
        placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
        # A msgid with no words of its own ("%(what)s: %(reason)s", whose colon French
        # spaces and Japanese writes "：") says nothing of the language of what fills it.
        self.patterns = [re.compile("".join(
            ".+?" if placeholder.fullmatch(part) else re.escape(part)
            for part in re.split(r"(%\(\w+\)[sd]|%[sd])", " ".join(id_.split()))) + "$")
            for id_ in self.exact
            if placeholder.search(id_) and re.search(r"[^\W\d_]", placeholder.sub("", id_))]

    def knows(self, text):
        return text in self.exact or any(pattern.match(text) for pattern in self.patterns)


class World:
    """One worker's app, seeded with every state a page can be in, and its two tabs."""

    def __init__(self, browser, folder, sqlite_template):
        self._stack = []
        self._forms = {}
        self.app = self._enter(serving_app(folder, sqlite_template, APP_CONFIG))
        (folder / "host").mkdir()
        self.host = self._enter(serving_folder(folder / "host"))
        self.site = register_host_site(self.app, self.host)
        self.ids = seed_dashboard(self.app, self.site, self.host.origin + "/dashboard.html")
        seed_discussion(self.app, self.site, self.host.origin + "/article.html")
        seed(self.app, self.site, self.host.origin + "/big.html", 14, replies_every=4)
        with self.app.app_context():
            site = find_site(self.site)
            make_thread(site, url=self.host.origin + "/empty.html", title="Empty")
            closed = make_thread(site, url=self.host.origin + "/closed.html", title="Closed")
            make_comment(closed, "Said before it closed.", author="Ann")
            closed.closed = True
            db.session.commit()
            make_thread(site, url=self.host.origin + "/pending.html", title="Pending")
            self.import_site = make_site("Old blog", origins=["http://example.tld"]).id
            create_site("Demo", [self.app.base_url], key="demo")
        self.mail = self._mail_links()
        self.reader = browser.new_context(bypass_csp=True)
        self.moderator = browser.new_context(bypass_csp=True)
        self.tabs = {False: self.reader.new_page(), True: self.moderator.new_page()}
        self.own_comment = self._post_own_comment()
        self._sign_in()
        self.english = {}

    def _enter(self, manager):
        self._stack.append(manager)
        return manager.__enter__()

    def _mail_links(self):
        with self.app.app_context(), self.app.test_request_context():
            site = find_site(self.site)
            thread_ = db.session.query(Thread).filter_by(
                url=self.host.origin + "/article.html").one()
            comment = make_comment(thread_, "Waiting", author="Bob", email="bob@example.org",
                                   status=CommentStatus.PENDING)
            sent = send_code(site, "kim@example.org", "Kim", None,
                             self.host.origin + "/article.html")
            return {
                "confirm": f"/mail/confirm/{links.confirm_token('bob@example.org', comment.id)}",
                "unsubscribe": f"/mail/unsubscribe/{links.unsubscribe_token('bob@example.org', comment.id)}",
                "approve": f"/mail/moderate/{links.moderate_token(comment, 'approve', 'mod@example.com')}",
                "delete": f"/mail/moderate/{links.moderate_token(comment, 'delete', 'mod@example.com')}",
                "sign_in": "/account/email/" + link_token(sent.row, sent.code,
                                                          self.host.origin + "/article.html"),
            }

    def form(self, article):
        """(action, hidden fields, {button selector: its formaction}) of the thread form
        on the article, read once."""
        if article not in self._forms:
            tab = self.tabs[False]
            get(thread(article))(tab, self)
            self._forms[article] = tab.evaluate("""() => {
              const form = document.getElementById("reply-form");
              const fields = {};
              for (const input of form.querySelectorAll("input[type=hidden]")) fields[input.name] = input.value;
              const buttons = {};
              for (const button of form.querySelectorAll("button[formaction]")) {
                buttons["button." + button.classList[button.classList.length - 1]] = button.formAction;
              }
              return [form.action, fields, buttons];
            }""")
        return self._forms[article]

    def _post_own_comment(self):
        tab = self.tabs[False]
        submit({"text": "My own words, awaiting a moderator.", "name": "Me"},
               "/pending.html")(tab, self)
        return int(tab.locator("article.comment").first.get_attribute("id")[2:])

    def _sign_in(self):
        tab = self.tabs[True]
        tab.goto(self.app.base_url + "/admin/login")
        tab.locator("input[type=email]").fill("boss@example.org")
        tab.locator("input[type=password]").fill(PASSWORD)
        with tab.expect_navigation():
            tab.locator("input[type=password]").press("Enter")

    def close(self):
        self.reader.close()
        self.moderator.close()
        for manager in reversed(self._stack):
            manager.__exit__(None, None, None)


@pytest.fixture(scope="module")
def world(browser, tmp_path_factory, sqlite_template):
    world = World(browser, tmp_path_factory.mktemp("every-page"), sqlite_template)
    yield world
    world.close()


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue()


def open_page(world, page, lang, theme="light"):
    tab = world.tabs[page.signed_in]
    tab.set_extra_http_headers({"Accept-Language": lang.replace("_", "-")})
    tab.emulate_media(color_scheme=theme)
    page.go(tab, world)
    assert tab.locator(page.shows).count(), f"{page.name}: nothing on it matches {page.shows}"
    return tab


def facts(tab, width, texts):
    """view_facts of every frame at this width: {frame url: facts}."""
    tab.set_viewport_size({"width": width, "height": HEIGHT})
    found = {}
    for frame in tab.frames:
        if frame is not tab.main_frame:
            # A frame from another process learns its new width a moment later.
            frame.wait_for_function("w => document.documentElement.clientWidth <= w", arg=width)
        found[frame.url] = view_facts(frame, texts)
    return found


def steps(lang, page_index):
    """(width, theme, measure?, axe?) for one page in one language, light ones first."""
    if lang in EVERY_VIEW:
        return sorted((width, theme, True, True) for width, theme in VIEWS)[::1]
    axe_view = VIEWS[(page_index + LANGUAGES.index(lang)) % len(VIEWS)]
    found = [(width, "light", True, (width, "light") == axe_view) for width in WIDTHS]
    if axe_view[1] == "dark":
        found.append((*axe_view, False, True))
    return found


def texts_of(found):
    return set().union(*(facts["texts"] for facts in found.values()))


def english_texts(world, page):
    if page.name not in world.english:
        tab = open_page(world, page, "en")
        world.english[page.name] = texts_of(facts(tab, WIDTHS[-1], texts=True))
    return world.english[page.name]


def check_language(world, catalogue, lang):
    problems = []
    for index, page in enumerate(PAGES):
        english = english_texts(world, page) if lang != "en" else None
        shown_theme = None
        for number, (width, theme, measure, axe) in enumerate(
                sorted(steps(lang, index), key=lambda step: step[1] == "dark")):
            tab = world.tabs[page.signed_in]
            if number == 0 or (page.reload_per_theme and theme != shown_theme):
                tab = open_page(world, page, lang, theme)
            elif theme != shown_theme:
                tab.emulate_media(color_scheme=theme)
            shown_theme = theme
            where = f"{page.name} [{lang}, {width}px, {theme}]"
            if measure:
                found = facts(tab, width, texts=number == 0)
                problems += [f"{where}: {problem}" for facts_ in found.values()
                             for problem in facts_["problems"]]
                if number == 0 and english is None:
                    world.english.setdefault(page.name, texts_of(found))
                elif number == 0:
                    untranslated = sorted(text for text in texts_of(found)
                                          if text in english and catalogue.knows(text)
                                          and not same_as_english(lang, text))
                    problems += [f"{where}: English “{text}”" for text in untranslated]
            else:
                tab.set_viewport_size({"width": width, "height": HEIGHT})
            if axe:
                skip = () if lang in EVERY_VIEW else COLOUR_RULES
                problems += [f"{where}: axe {problem}" for problem in axe_problems(tab, skip)]
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_in(world, catalogue, lang):
    problems = check_language(world, catalogue, lang)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_view_facts_find_what_they_should(context_for):
    """The harness itself: overflow (the old right-to-left honeypot), text cut by its
    box or its ellipsis, a cut choice and a cut button are found; the page's strings
    include attributes and leave out text marked as another language."""
    tab = context_for(viewport={"width": 320, "height": 600})
    tab.set_content("""<html lang="de" dir="rtl"><body>
      <form style="position:relative"><p style="position:absolute;left:-10000px">x</p></form>
      <div style="width:80px;overflow:hidden;white-space:nowrap">Abgeschnittener Text hier</div>
      <p style="width:80px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap">Auslassungspunkte am Ende</p>
      <select style="width:60px"><option>Eine lange Auswahl</option></select>
      <button style="width:40px;overflow:hidden;white-space:nowrap">Abschicken jetzt</button>
      <input placeholder="Ihr Name" aria-label="Name"><span lang="en">Post comment</span>
    </body></html>""")
    found = view_facts(tab.main_frame)
    problems = "\n".join(found["problems"])
    assert "page is 99" in problems and "px wider than its 320px window: p [" in problems
    assert '"Abgeschnittener Text hier" is cut by its box' in problems
    assert '"Auslassungspunkte am Ende" is cut by its box' in problems
    assert 'cuts "Eine lange Auswahl"' in problems
    assert 'button "Abschicken jetzt" is cut' in problems
    assert {"Ihr Name", "Name", "Abgeschnittener Text hier"} <= set(found["texts"])
    assert "Post comment" not in found["texts"]


def test_the_catalogue_knows_our_strings_with_their_placeholders_filled(catalogue):
    assert catalogue.knows("Post comment") and catalogue.knows("Show comments (4)")
    assert catalogue.knows("Reply to Ann") and not catalogue.knows("Ann")
    assert not catalogue.knows("ConnectError: refused")  # "%(what)s: %(reason)s" has no words
    assert not same_as_english("de", "Kommentare") and same_as_english("de", "120 ms")


def test_every_language_we_ship_is_visited(app):
    from widget.i18n import available_languages
    assert sorted(LANGUAGES) == sorted(available_languages())
