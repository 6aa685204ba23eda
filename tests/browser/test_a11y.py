"""Accessibility in a real browser: axe-core finds no serious or critical problem on the
thread page, the reply form, error pages and the host page (light and dark, left to right
and right to left), and a reader can do everything with the keyboard alone.

axe-core is vendored from its npm package (tests/browser/vendor/, MPL-2.0) and injected
into each page with Playwright; the page's CSP would refuse an injected script, so these
contexts bypass it (the tests check the page, not its policy).
"""

from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.browser.axe import axe_problems
from tests.conftest import make_comment, make_thread
from widget.models import CommentStatus, utcnow
from widget.threads import find_site

pytestmark = pytest.mark.browser

ARTICLE_PATH = "/article.html"


def thread_url(live_app, site_key, host_site, **query):
    article = quote(host_site.origin + ARTICLE_PATH, safe="")
    extra = "".join(f"&{name}={quote(value)}" for name, value in query.items())
    return f"{live_app.base_url}/t/{site_key}?url={article}{extra}"


def test_axe_finds_what_it_should(context_for):
    """The harness itself: a page with known problems does not pass."""
    page = context_for()
    page.set_content('<html lang="en"><body><main><p style="color:#bbb;background:#fff">faint</p>'
                     '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>')
    found = " ".join(axe_problems(page))
    assert "color-contrast" in found and "image-alt" in found and "button-name" in found


@pytest.fixture
def seeded_thread(live_app, live_site, host_site):
    return seed_discussion(live_app, live_site, host_site.origin + ARTICLE_PATH)


def seed_discussion(live_app, site_key, article_url):
    """A discussion with what a thread shows: nesting, links, code, quotes, a deleted
    comment kept for its reply, and an author with a website; the first comment's id."""
    with live_app.app_context():
        site = find_site(site_key)
        thread = make_thread(site, url=article_url, title="Hello")
        now = utcnow()
        first = make_comment(thread, "Great article! See [the docs](https://example.org/docs).",
                             author="Ann", website="https://ann.example",
                             created_at=now - timedelta(days=2))
        reply = make_comment(thread, "> Great article!\n\nAgreed, and `code` works:\n\n"
                             "```\nprint('hi')\n```", parent=first, author="Bob",
                             created_at=now - timedelta(hours=5))
        make_comment(thread, "- one\n- two", parent=reply, author="Cy",
                     created_at=now - timedelta(minutes=30))
        gone = make_comment(thread, "Removed", author="Dee", status=CommentStatus.DELETED,
                            created_at=now - timedelta(hours=3))
        make_comment(thread, "Still here", parent=gone, author="Eve",
                     created_at=now - timedelta(minutes=2))
        return first.id


@pytest.mark.parametrize(("color_scheme", "query", "reply", "post"), [
    ("light", {}, "Reply", "Post comment"),
    ("dark", {}, "Reply", "Post comment"),
    ("light", {"theme": "dark", "lang": "de"}, "Antworten", "Kommentar abschicken"),
    ("dark", {"theme": "light", "lang": "ar"}, "رد", "نشر التعليق"),  # the snippet's theme wins
])
def test_thread_page_and_reply_form_pass_axe(context_for, live_app, live_site, host_site,
                                             seeded_thread, color_scheme, query, reply, post):
    page = context_for(color_scheme)
    page.goto(thread_url(live_app, live_site, host_site, **query))
    assert page.locator("article.comment").count() == 5
    assert axe_problems(page) == []
    # The inline reply form, showing errors beside its fields.
    page.locator(f"#c-{seeded_thread}").get_by_role("button", name=reply).first.click()
    reply_form = page.locator(f"#c-{seeded_thread} > form.comment-form")
    # The browser's own validation stops an empty required field; post past it instead.
    page.evaluate("() => document.querySelectorAll('[required]')"
                  ".forEach(e => e.removeAttribute('required'))")
    reply_form.get_by_role("button", name=post).click()
    reply_form.locator(".field-error").first.wait_for()
    assert axe_problems(page) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_no_script_reply_page_and_error_page_pass_axe(context_for, live_app, live_site, host_site,
                                                      seeded_thread, color_scheme):
    page = context_for(color_scheme)
    page.goto(thread_url(live_app, live_site, host_site) + f"&reply={seeded_thread}")
    assert page.locator(f"#c-{seeded_thread} form.comment-form").count() == 1
    assert axe_problems(page) == []
    page.goto(f"{live_app.base_url}/t/nosuchsite?url=x&lang=fr")
    assert page.locator("h1").inner_text() == "Introuvable"
    assert axe_problems(page) == []


def write_host_page(host_site, live_app, site_key, lang="en", snippet_attributes=""):
    host_site.folder.joinpath("article.html").write_text(f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>An article</title></head>
<body><main><h1>An article</h1><p>Text of the article.</p>
<div id="comments" data-site="{site_key}"{snippet_attributes}></div>
<script src="{live_app.base_url}/embed.js" async></script></main></body></html>""")
    return host_site.origin + "/article.html"


# The thread embedded in a host page passes axe in every language, light and dark: that
# is in tests/browser/test_every_page.py (the demo article).


@pytest.mark.parametrize(("color_scheme", "lang", "label"), [
    ("light", "en", "Show comments (4)"),
    ("dark", "de", "Kommentare anzeigen (4)"),
])
def test_collapsed_button_passes_axe_and_opens_by_keyboard(context_for, live_app, live_site,
                                                           host_site, seeded_thread,
                                                           color_scheme, lang, label):
    page = context_for(color_scheme)
    page.goto(write_host_page(host_site, live_app, live_site, lang=lang,
                              snippet_attributes=' data-collapsed="true"'))
    button = page.locator("#comments button")
    page.wait_for_function("text => document.querySelector('#comments button').textContent === text",
                           arg=label)
    assert axe_problems(page) == []
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == label)
    page.keyboard.press("Enter")
    assert button.count() == 0
    page.frame_locator("#comments iframe").locator("article.comment").first.wait_for()


@pytest.mark.parametrize(("lang", "title", "heading"), [
    ("de", "Kommentare", "4 Kommentare"),  # the deleted comment is not counted
    ("ar", "التعليقات", "4 تعليقات"),
])
def test_iframe_title_and_thread_follow_data_lang(page, live_app, live_site, host_site,
                                                  seeded_thread, lang, title, heading):
    page.goto(write_host_page(host_site, live_app, live_site,
                              snippet_attributes=f' data-lang="{lang}"'))
    iframe = page.locator("#comments iframe")
    assert iframe.get_attribute("title") == title
    frame = page.frame_locator("#comments iframe")
    assert frame.locator(".thread-count").inner_text() == heading
    assert frame.locator("html").get_attribute("lang") == lang


def focused(page):
    return page.evaluate("""() => {
        const el = document.activeElement;
        return { tag: el.tagName.toLowerCase(), text: (el.innerText || "").trim(),
                 id: el.id, label: el.labels && el.labels[0] ? el.labels[0].innerText : "" };
    }""")


def tab_to(page, matches, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if matches(focused(page)):
            return focused(page)
    raise AssertionError(f"Tab never reached the element; last focus: {focused(page)}")


def test_keyboard_alone_reply_post_and_hear_it(page, live_app, live_site, host_site, seeded_thread):
    page.goto(thread_url(live_app, live_site, host_site))
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Reply")
    page.keyboard.press("Enter")
    # The reply form opens under the comment, with the focus in its text field.
    reply_form = page.locator(f"#c-{seeded_thread} > form.comment-form")
    reply_form.wait_for()
    assert focused(page)["label"] == "Comment"
    assert reply_form.locator("h2").inner_text() == "Reply to Ann"
    page.keyboard.type("Typed with the keyboard alone")
    tab_to(page, lambda el: el["label"] == "Name")
    page.keyboard.type("Kim")
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Post comment")
    page.keyboard.press("Enter")

    new_comment = page.locator(f"#c-{seeded_thread} .comment-replies > article.comment").last
    new_comment.locator(".comment-body", has_text="Typed with the keyboard alone").wait_for()
    new_id = new_comment.get_attribute("id")
    # (Function form: a bare expression would need eval, which the page's CSP refuses.)
    page.wait_for_function("id => document.activeElement.id === id", arg=new_id)
    status = page.locator("#thread-status")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function("() => document.getElementById('thread-status').textContent"
                           " === 'Your comment was posted.'")
    assert page.locator(".thread-count").inner_text() == "5 comments"


def test_keyboard_cancel_returns_focus_to_reply(page, live_app, live_site, host_site, seeded_thread):
    page.goto(thread_url(live_app, live_site, host_site, lang="fr"))
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Répondre")
    page.keyboard.press("Enter")
    page.locator(f"#c-{seeded_thread} > form.comment-form").wait_for()
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "Annuler")
    page.keyboard.press("Enter")
    assert page.locator(f"#c-{seeded_thread} > form.comment-form").count() == 0
    assert focused(page)["text"] == "Répondre"


def test_script_says_things_in_the_page_language(page, live_app, live_site, host_site, seeded_thread):
    page.goto(thread_url(live_app, live_site, host_site, lang="ar"))
    page.locator(f"#c-{seeded_thread}").get_by_role("button", name="رد").first.click()
    reply_form = page.locator(f"#c-{seeded_thread} > form.comment-form")
    assert reply_form.locator("h2").inner_text() == "الرد على Ann"
    assert reply_form.locator("button.form-cancel").inner_text() == "إلغاء"
    reply_form.get_by_label("التعليق").fill("شكرًا")
    reply_form.get_by_label("الاسم").fill("سارة")
    reply_form.get_by_role("button", name="نشر التعليق").click()
    page.wait_for_function("text => document.getElementById('thread-status').textContent === text",
                           arg="نُشر تعليقك.")
    assert page.locator(".thread-count").inner_text() == "5 تعليقات"
    # Relative times are kept fresh by the script, in the page's language.
    two_days_ago = page.evaluate(
        "() => new Intl.RelativeTimeFormat('ar', {numeric: 'auto'}).format(-2, 'day')")
    assert page.locator(f"#c-{seeded_thread} > header time").inner_text() == two_days_ago

# That the thread is never wider than its window is in tests/browser/test_every_page.py,
# with every other page, in every language.
