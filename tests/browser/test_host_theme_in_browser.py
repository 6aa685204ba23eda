"""data-theme="auto" follows the host page's colours, not the reader's OS: a light blog
read in OS dark mode gets a light thread and a dark one a dark thread; the collapsed
"Show comments" button is a real control in the same colours; error pages follow too."""

import pytest

from tests.browser.test_embed_in_browser import snippet, thread_frame, write_page

pytestmark = pytest.mark.browser

DARK_BACKGROUND = "rgb(13, 17, 23)"
LIGHT_BACKGROUND = "rgb(255, 255, 255)"

HOSTS = [
    # (what the host page says about itself, the reader's OS, the thread's theme)
    ("", "dark", "light"),  # a page that never opted in to dark mode is painted light
    ("<style>body{background:#fdfdf8}</style>", "dark", "light"),
    ("<style>body{background:#111;color:#eee}</style>", "light", "dark"),
    ("<meta name='color-scheme' content='dark'>", "light", "dark"),
    ("<style>:root{color-scheme:light dark}</style>", "dark", "dark"),
    ("<style>:root{color-scheme:light dark}</style>", "light", "light"),
]


def test_auto_follows_the_host_page(context_for, live_app, live_site, host_site):
    page = context_for("light")
    for index, (head, os_scheme, expected) in enumerate(HOSTS):
        page.emulate_media(color_scheme=os_scheme)
        url = write_page(host_site, f"article-{index}.html", snippet(live_app, live_site), head)
        page.goto(url)
        frame = thread_frame(page)
        frame.locator(".thread").wait_for()
        assert frame.evaluate("document.documentElement.dataset.theme") == expected, head
        background = frame.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == (DARK_BACKGROUND if expected == "dark" else LIGHT_BACKGROUND), head


def test_the_collapsed_button_is_a_themed_control(context_for, live_app, live_site, host_site):
    page = context_for("light")
    for index, (head, colour) in enumerate((("", "rgb(246, 248, 250)"),
                                            ("<style>body{background:#111}</style>",
                                             "rgb(21, 27, 35)"))):
        url = write_page(host_site, f"collapsed-{index}.html",
                         snippet(live_app, live_site, collapsed="true"), head)
        page.goto(url)
        button = page.locator(".comments-show")
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        assert button.evaluate("el => getComputedStyle(el).backgroundColor") == colour
        assert button.evaluate("el => getComputedStyle(el).fontSize") == "16px"


def test_error_pages_follow_theme_dark(context_for, live_app, live_site, host_site):
    page = context_for("light")
    for path in (f"/t/{live_site}?url=https%3A%2F%2Felsewhere.example.net%2F&theme=dark",
                 "/t/no-such-site?url=https%3A%2F%2Fblog.example.com%2F&theme=dark"):
        response = page.goto(live_app.base_url + path)
        assert response.status in (403, 404)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == DARK_BACKGROUND
