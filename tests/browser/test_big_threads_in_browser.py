"""Big threads in real Chromium: "Load more" appends the next page in place (and is a plain
link without scripts), a permalink into a later page opens that page, and avatars are
drawn in the page with no request each."""

import re

import pytest

from tests.browser.test_embed_in_browser import seed, snippet, thread_frame, wait_until, write_page
from widget.avatars import identicon_cells

pytestmark = pytest.mark.browser
PAGED = {"THREAD_PAGE_SIZE": 4}


@pytest.mark.parametrize("live_app_config", [PAGED])
def test_load_more_appends_the_next_page_and_the_frame_grows(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    ids = seed(live_app, live_site, url, 15, replies_every=3)  # 11 top-level: 3 pages of 4
    page.set_viewport_size({"width": 1000, "height": 700})
    page.goto(url)
    frame = thread_frame(page)
    top_level = frame.locator(".comment-list > .comment")
    assert top_level.count() == 4
    height = page.locator("#comments iframe").evaluate("el => el.offsetHeight")
    frame.get_by_role("link", name="Load more comments").click()
    wait_until(lambda: top_level.count() == 8, message="the second page to be appended")
    assert frame.locator(f"#c-{ids[0]}").count() == 1  # the first page is still there
    wait_until(lambda: page.locator("#comments iframe").evaluate("el => el.offsetHeight") > height,
               message="the frame to grow")
    assert "page 2 of 3" in frame.locator(".load-more").inner_text()
    frame.get_by_role("link", name="Load more comments").click()
    wait_until(lambda: top_level.count() == 11, message="the last page")
    assert frame.locator(".load-more").count() == 0
    assert frame.locator(".comment").count() == 15
    # Appended comments work like the others: the reply button opens the form under them.
    last = top_level.last
    last.get_by_role("button", name="Reply").click()
    assert last.locator("form.comment-form").count() == 1
    assert last.locator(".comment-avatar svg").count() == 1


@pytest.mark.parametrize("live_app_config", [PAGED])
def test_without_scripts_load_more_is_a_link_to_the_next_page(browser, live_app, live_site):
    article = "https://example.org/no-script"
    with live_app.app_context():
        from widget.extensions import db
        from widget.models import Site

        site = db.session.query(Site).filter_by(key=live_site).one()
        site.allowed_origins = [*site.allowed_origins, "https://example.org"]
        db.session.commit()
    seed(live_app, live_site, article, 10, replies_every=100)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_app.base_url}/t/{live_site}?url={article}")
    assert page.locator(".comment-list > .comment").count() == 4
    assert page.locator(".comment-avatar img").count() == 4  # the image, for readers without scripts
    page.get_by_role("link", name="Load more comments").click()
    assert "page=2" in page.url
    assert page.locator(".comment-list > .comment").first.inner_text().count("Comment number 4") == 1
    page.get_by_role("link", name="First comments").click()
    assert page.locator(".comment-list > .comment").first.inner_text().count("Comment number 0") == 1
    context.close()


@pytest.mark.parametrize("live_app_config", [PAGED])
def test_a_permalink_into_a_later_page_opens_that_page(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    ids = seed(live_app, live_site, url, 12, replies_every=100)  # 12 top-level: 3 pages
    page.goto(f"{url}#c-{ids[9]}")
    frame = thread_frame(page)
    comment = frame.locator(f"#c-{ids[9]}")
    wait_until(lambda: "comment-highlight" in (comment.get_attribute("class") or ""),
               message="the linked comment on page 3 to be shown and highlighted")
    assert frame.locator(f"#c-{ids[0]}").count() == 0


def test_avatars_are_drawn_in_the_page_as_the_server_draws_them(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    seed(live_app, live_site, url, 6)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    frame = thread_frame(page)
    wait_until(lambda: frame.locator(".comment-avatar svg").count() == 6, message="six avatars")
    assert not [address for address in requests if "/avatar/" in address]
    # Each drawn picture has exactly the cells and colour of /avatar/<digest>.svg.
    for box in frame.locator(".comment-avatar").all():
        digest = box.get_attribute("data-avatar")
        assert re.fullmatch(r"[0-9a-f]{6}", digest)  # read from the no-script image's address
        cells, hue = identicon_cells(digest)
        drawn = box.evaluate("""el => Array.from(el.querySelectorAll('g rect'))
            .map(r => [Number(r.getAttribute('x')), Number(r.getAttribute('y'))])""")
        assert sorted(map(tuple, drawn)) == cells
        assert f"hsl({hue}, 55%, 45%)" == box.evaluate("el => el.querySelector('g').getAttribute('fill')")
