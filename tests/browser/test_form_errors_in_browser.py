"""A refused comment shows the same with and without scripts: the first field to fix is
marked (error-coloured border, aria-invalid, its message tied by aria-describedby), has
the focus, and with scripts the page's live region says what went wrong."""

import pytest

from tests.browser.test_thread_in_browser import thread_page_url

pytestmark = pytest.mark.browser

STATE = """() => {
  const name = document.querySelector("#reply-form [name=name]");
  const email = document.querySelector("#reply-form [name=email]");
  const described = (name.getAttribute("aria-describedby") || "").split(" ");
  const error = document.getElementById(name.id + "-error");
  return {
    focused: document.activeElement && document.activeElement.name,
    invalid: [name.getAttribute("aria-invalid"), email.getAttribute("aria-invalid")],
    describedByError: !!error && described.includes(error.id),
    errorText: error ? error.textContent : "",
    border: getComputedStyle(name).borderTopColor,
    errorColour: error ? getComputedStyle(error).color : "",
    untouchedBorder: getComputedStyle(document.querySelector("#reply-form [name=website]")).borderTopColor,
  };
}"""


def _submit_with_two_mistakes(page):
    page.get_by_label("Comment").fill("My careful words")
    page.get_by_label("Email (optional)").fill("not-an-email")
    # Past the browser's own checks, to the server's.
    page.evaluate("""() => {
      const form = document.getElementById("reply-form");
      form.noValidate = true;
      form.elements.email.type = "text";
    }""")
    page.get_by_role("button", name="Post comment").click()


@pytest.mark.parametrize("scripts", [True, False])
def test_the_first_invalid_field_is_marked_focused_and_described(browser, live_app, live_site,
                                                                host_site, scripts):
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)
    page = context.new_page()
    page.goto(thread_page_url(live_app, live_site, host_site))
    _submit_with_two_mistakes(page)
    page.locator("#reply-form .field-error").first.wait_for()
    state = page.evaluate(STATE)
    assert state["focused"] == "name"  # the first of the two, in the form's order
    assert state["invalid"] == ["true", "true"]
    assert state["describedByError"] and state["errorText"]
    assert state["border"] == state["errorColour"] != state["untouchedBorder"]
    assert page.get_by_label("Comment").input_value() == "My careful words"
    if scripts:
        page.wait_for_function(
            "document.getElementById('thread-status').textContent.includes('not posted')")
        # Fixing one field and sending again clears its mark and keeps the other's.
        page.get_by_label("Name").fill("Ann")
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_function(
            "document.querySelector('#reply-form [name=name]').getAttribute('aria-invalid') === null")
        assert page.evaluate("document.activeElement.name") == "email"
        assert page.locator("#reply-form .field-error").count() == 1
    context.close()
