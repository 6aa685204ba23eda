"""Reading a deep conversation: readers hide and show a sub-thread; the button says how
many replies it hides, and a link to a hidden reply opens it again."""

import pytest
from sqlalchemy import select

from tests.browser.test_thread_in_browser import thread_page_url
from tests.conftest import make_comment, make_thread
from widget.extensions import db
from widget.models import Site

pytestmark = pytest.mark.browser


def test_a_sub_thread_collapses_and_expands(context_for, live_app, live_site, host_site):
    with live_app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == live_site))
        thread = make_thread(site, url=host_site.origin + "/article.html")
        root = make_comment(thread, "The first word", author="Ann")
        chain = [root]
        for index in range(6):
            chain.append(make_comment(thread, f"Reply {index}", parent=chain[-1], author="Bob"))
        deepest = chain[-1].id
        root_id = root.id
    page = context_for("light")
    page.goto(thread_page_url(live_app, live_site, host_site))
    toggle = page.locator(f"#c-{root_id} > .replies-toggle")
    assert toggle.inner_text() == "Hide replies"
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.bounding_box()["height"] >= 24
    toggle.click()
    assert toggle.inner_text() == "Show 6 more replies"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(f"#c-{deepest}").is_visible()
    toggle.click()
    assert page.locator(f"#c-{deepest}").is_visible()
    # The loader asks to show a reply (a permalink followed on the article) that sits in
    # a hidden sub-thread: showComment reveals it.
    toggle.click()
    page.evaluate(f"""() => document.getElementById('c-{deepest}')
        .dispatchEvent(new CustomEvent('widget:reveal', {{bubbles: true}}))""")
    assert page.locator(f"#c-{deepest}").is_visible()
    assert page.locator(f"#c-{root_id} > .replies-toggle").inner_text() == "Hide replies"
