"""The dashboard on a phone, a tablet and a desktop, in English and German: no page wider
than the window, no text cut by its box, no short word broken letter by letter (below
640 px the tables are cards whose cells carry their column's name)."""

import pytest

from tests.browser.conftest import sign_in_to_dashboard
from tests.browser.layout_checks import layout_problems
from tests.browser.test_a11y_admin import admin_pages, dashboard  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser

WIDTHS = (320, 768, 1280)


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_dashboard_page_fits_every_width(context_for, live_app, dashboard, language):
    page = context_for("light", locale=language, viewport={"width": 1280, "height": 900})
    sign_in_to_dashboard(page, live_app)
    problems = {}
    for path in admin_pages(dashboard):
        page.goto(live_app.base_url + path)
        assert page.locator("html").get_attribute("lang") == language
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            found = layout_problems(page)
            if found:
                problems[f"{path} at {width}px"] = found
        page.set_viewport_size({"width": 1280, "height": 900})
    assert problems == {}


def test_tables_become_labelled_cards_on_a_phone(context_for, live_app, dashboard):
    page = context_for("light", locale="de", viewport={"width": 320, "height": 700})
    sign_in_to_dashboard(page, live_app)
    page.goto(live_app.base_url + "/admin/threads")
    cell = page.locator(".data-table tbody td").first
    assert cell.evaluate("el => getComputedStyle(el).display") == "block"
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    column = page.locator(".data-table thead th").nth(1).text_content()
    assert column == "Website" and label == f'"{column}"'
    page.goto(live_app.base_url + "/admin/comments")
    bar = page.locator(".bulk-bar").bounding_box()
    assert bar["height"] <= 700 / 6, "the sticky bulk bar covers too much of a phone"

