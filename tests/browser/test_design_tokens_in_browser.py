"""One button height and one focus ring on the thread and the dashboard (issue 20), as
the browser computes them from the shared --w-* tokens, light and dark, both directions."""

from urllib.parse import quote

import pytest

from tests.admin.conftest import make_admin
from tests.browser.conftest import sign_in_to_dashboard
from tests.conftest import make_site

pytestmark = pytest.mark.browser

MEASURE = """(el) => {
  el.focus();
  const style = getComputedStyle(el);
  return {height: Math.round(el.getBoundingClientRect().height * 10) / 10,
          focusVisible: el.matches(":focus-visible"), outline: style.outlineWidth,
          offset: style.outlineOffset, radius: style.borderRadius};
}"""


@pytest.mark.parametrize("scheme, language", [("dark", "ar")])
def test_buttons_and_focus_ring_match_on_thread_and_dashboard(context_for, live_app, scheme,
                                                               language):
    with live_app.app_context():
        site_key = make_site("Blog", origins=["http://example.tld"]).key
        make_admin("boss@example.org")
    page = context_for(scheme, locale=language, viewport={"width": 1000, "height": 800})
    page.goto(f"{live_app.base_url}/t/{site_key}?url={quote('http://example.tld/post')}")
    post = page.locator("form .button-primary").first
    thread_button = post.evaluate(MEASURE)

    sign_in_to_dashboard(page, live_app)
    page.goto(f"{live_app.base_url}/admin/audit")
    filter_button = page.locator(".filters button.button").evaluate(MEASURE)
    page.goto(f"{live_app.base_url}/admin/sites/new")
    save_button = page.locator("form.panel .button-primary").evaluate(MEASURE)

    assert thread_button["focusVisible"] and filter_button["focusVisible"]
    assert thread_button["height"] >= 40  # --w-button-min-height: 2.5rem
    assert thread_button == filter_button == save_button
    assert thread_button["outline"] == "2px" and thread_button["offset"] == "2px"
