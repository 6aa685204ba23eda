"""No page of ours is wider than its window: the thread, the dashboard (signed out and in)
and the error pages, in every language we ship, at 320 px and 1,000 px.

A right-to-left page overflows to the left, where nobody looks (the Arabic thread was once
11,000 px wide because of a honeypot at left: -10000px), so each page is measured, not
eyeballed. One browser context per width, every language and page inside it, to stay fast.
"""

import pytest

from tests.browser.conftest import sign_in_to_dashboard
from tests.browser.test_a11y import seeded_thread, thread_url  # noqa: F401  (a fixture)
from tests.browser.test_a11y_admin import admin_pages, dashboard  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser

WIDTHS = [320, 1000]

# How far the page scrolls sideways, and the elements that stick out (to say what to fix).
MEASURE = """() => {
  const width = window.innerWidth;
  const sticking = [];
  const clipped = (el) => {  // clipped by a box that scrolls: it cannot widen the page
    for (let up = el.offsetParent; up && up !== document.body; up = up.offsetParent) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1) && !clipped(el)) {
      sticking.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                    (typeof el.className === "string" && el.className ?
                     "." + el.className.split(" ")[0] : "") +
                    " [" + Math.round(box.left) + ", " + Math.round(box.right) + "]");
    }
  }
  return {overflow: document.documentElement.scrollWidth - width, sticking: sticking.slice(0, 8)};
}"""


def languages(live_app):
    with live_app.app_context():
        from widget.i18n import available_languages
        return [code.replace("_", "-") for code in available_languages()]


def too_wide(page, url):
    """None if the page at url fits its window, else what sticks out."""
    page.goto(url)
    found = page.evaluate(MEASURE)
    return found if found["overflow"] > 0 else None


def report(wide):
    return "too wide:\n" + "\n".join(f"{where}: {found}" for where, found in wide.items())


def with_lang(url, lang):
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


def test_the_measure_finds_a_page_too_wide(context_for):
    page = context_for(viewport={"width": 320, "height": 600})
    # The old honeypot: hidden far to the left, inside a positioned form, on an RTL page.
    page.set_content('<html dir="rtl"><body><form style="position:relative">'
                     '<p id="pot" style="position:absolute;left:-10000px">x</p></form></body></html>')
    found = page.evaluate(MEASURE)
    assert found["overflow"] > 9000 and found["sticking"][0].startswith("p#pot")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_thread_fits_in_every_language(context_for, live_app, live_site, host_site,
                                           seeded_thread, width):  # noqa: F811
    page = context_for(viewport={"width": width, "height": 800})
    wide = {}
    for lang in languages(live_app):
        url = thread_url(live_app, live_site, host_site, lang=lang)
        found = too_wide(page, url)
        if found:
            wide[lang] = found
    assert not wide, report(wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dashboard_fits_in_every_language(context_for, live_app, dashboard, width):  # noqa: F811
    page = context_for(viewport={"width": width, "height": 800})
    wide = {}
    for lang in languages(live_app):
        found = too_wide(page, with_lang(live_app.base_url + "/admin/login", lang))
        if found:
            wide[f"{lang} /admin/login"] = found
    sign_in_to_dashboard(page, live_app)
    pages = ["/admin/", "/admin/comments?status=all", f"/admin/sites/{dashboard['site']}",
             f"/admin/sites/{dashboard['site']}/webhooks", "/admin/audit"]
    for lang in languages(live_app):
        for path in pages:
            found = too_wide(page, with_lang(live_app.base_url + path, lang))
            if found:
                wide[f"{lang} {path}"] = found
    assert not wide, report(wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_error_pages_fit_in_every_language(context_for, live_app, live_site, width):
    page = context_for(viewport={"width": width, "height": 800})
    errors = ["/no/such/page", "/t/no-such-site?url=https%3A%2F%2Fexample.org%2Fa",
              f"/t/{live_site}?url=not-a-url"]
    wide = {}
    for lang in languages(live_app):
        for path in errors:
            found = too_wide(page, with_lang(live_app.base_url + path, lang))
            if found:
                wide[f"{lang} {path}"] = found
    assert not wide, report(wide)


def test_every_dashboard_page_in_hebrew_at_320_px(context_for, live_app, dashboard):  # noqa: F811
    """The widest tables, the longest words: every dashboard page, in one right-to-left
    language, at the narrowest width."""
    page = context_for(viewport={"width": 320, "height": 800})
    sign_in_to_dashboard(page, live_app)
    wide = {}
    for path in admin_pages(dashboard):
        found = too_wide(page, with_lang(live_app.base_url + path, "he"))
        if found:
            wide[path] = found
    assert not wide, report(wide)
