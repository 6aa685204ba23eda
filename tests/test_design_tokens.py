"""The thread and the dashboard share one set of design tokens (issue 20: they differed in
button sizes, heading scale and focus ring): the same --w-* block in both stylesheets."""

import re
from pathlib import Path

STATIC = Path(__file__).parent.parent / "static"
TOKEN = re.compile(r"^\s*(--w-[\w-]+)\s*:\s*([^;]+);", re.M)
REQUIRED = {"--w-button-min-height", "--w-button-padding", "--w-heading-1", "--w-heading-2",
            "--w-focus-width", "--w-focus-offset", "--w-focus-color", "--w-radius",
            "--w-space-4"}


def tokens(stylesheet):
    """Each --w-* declaration of the file: name -> value (a name declared twice fails)."""
    found = TOKEN.findall((STATIC / stylesheet).read_text())
    names = [name for name, _value in found]
    assert len(names) == len(set(names)), f"{stylesheet} declares a token twice"
    return dict(found)


def test_thread_and_dashboard_declare_the_same_tokens_with_the_same_values():
    thread, dashboard = tokens("thread.css"), tokens("admin.css")
    assert REQUIRED <= set(thread)
    assert thread == dashboard


def test_both_use_the_tokens_for_focus_and_buttons():
    for stylesheet in ("thread.css", "admin.css"):
        css = (STATIC / stylesheet).read_text()
        assert re.search(r":focus-visible \{ outline: var\(--w-focus-width\) solid "
                         r"var\(--w-focus-color\); outline-offset: var\(--w-focus-offset\); \}",
                         css), stylesheet
        assert "min-height: var(--w-button-min-height)" in css, stylesheet
        assert not re.search(r"outline: \d+px solid var\(--widget-focus\)", css), stylesheet


def test_the_thread_theming_names_keep_working():
    """--widget-* stay the public names (README, "Theming"), now set from the tokens."""
    css = (STATIC / "thread.css").read_text()
    for name, token in [("--widget-radius", "--w-radius"), ("--widget-gap", "--w-space-4"),
                        ("--widget-heading-size", "--w-heading-2"),
                        ("--widget-button-padding", "--w-button-padding")]:
        assert f"{name}: var({token});" in css
