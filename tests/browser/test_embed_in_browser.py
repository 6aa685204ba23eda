"""The snippet on another site, in real Chromium: the article page is served by host_site
(http://127.0.0.1:PORT), the service by live_app (http://localhost:PORT2), so every
iframe, message, count request and post crosses sites as it does in production."""

import time
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.conftest import make_comment
from widget.extensions import db
from widget.models import Comment, CommentStatus, ModerationMode, Site, Thread

pytestmark = pytest.mark.browser

FILLER = "<p>" + "An article paragraph that pushes the comments down the page. " * 8 + "</p>"


def write_page(host_site, name, body, head=""):
    """An article page on the host site; returns its URL."""
    (host_site.folder / name).write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>An article</title>"
        f"{head}</head><body style='margin:0 auto;max-width:760px'>{body}</body></html>")
    return f"{host_site.origin}/{name}"


def snippet(live_app, site_key, **attributes):
    extra = "".join(f' data-{name}="{value}"' for name, value in attributes.items())
    return (f'<div id="comments" data-site="{site_key}"{extra}></div>'
            f'<script src="{live_app.base_url}/embed.js" async></script>')


def seed(live_app, site_key, url, count, replies_every=3, pending=0):
    """`count` approved comments (every few a reply to an earlier one), then `pending` more."""
    with live_app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == site_key))
        thread = Thread(site_id=site.id, url=url, title="An article")
        db.session.add(thread)
        db.session.commit()
        comments = []
        for index in range(count):
            parent = comments[index // 2] if index and index % replies_every == 0 else None
            comments.append(make_comment(thread, f"Comment number {index}", parent=parent,
                                         author=f"Reader {index}"))
        for index in range(pending):
            make_comment(thread, f"Pending {index}", status=CommentStatus.PENDING)
        return [comment.id for comment in comments]


def moderate_all(live_app, site_key):
    with live_app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == site_key))
        site.moderation = ModerationMode.ALL
        db.session.commit()


def thread_frame(page, selector="#comments iframe"):
    page.locator(selector).wait_for()
    frame = page.locator(selector).element_handle().content_frame()
    frame.locator(".thread-count").wait_for()
    return frame


def wait_until(check, timeout=10.0, message="condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        time.sleep(0.05)


def frame_fits(page, frame, selector="#comments iframe"):
    """The iframe's height equals its document's, with nothing left to scroll inside."""
    outer = page.locator(selector).evaluate("el => el.getBoundingClientRect().height")
    inner = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    scrollable = frame.evaluate(
        "document.scrollingElement.scrollHeight - document.scrollingElement.clientHeight")
    return abs(outer - inner) <= 1 and scrollable <= 1 and outer


def test_thread_shows_and_the_frame_follows_its_height(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", FILLER + snippet(live_app, live_site))
    seed(live_app, live_site, url, 12)
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(url)
    frame = thread_frame(page)
    assert frame.locator(".thread-count").inner_text() == "12 comments"
    assert frame.locator("article.comment").count() == 12
    wide = wait_until(lambda: frame_fits(page, frame), message="the frame to fit its thread")
    assert wide > 1000  # grew well past its initial 400px

    page.set_viewport_size({"width": 420, "height": 800})  # narrower: the text wraps, taller
    narrow = wait_until(lambda: (h := frame_fits(page, frame)) and h > wide and h,
                        message="the frame to follow the window's resize")

    frame.locator("article.comment").first.get_by_role("button", name="Reply").first.click()
    frame.locator("article.comment form.comment-form").wait_for()
    opened = wait_until(lambda: (h := frame_fits(page, frame)) and h > narrow and h,
                        message="the frame to grow for the reply form")
    frame.get_by_role("button", name="Cancel").click()
    wait_until(lambda: (h := frame_fits(page, frame)) and h < opened and h,
               message="the frame to shrink when the form closes")


def test_reply_in_the_frame_is_posted_and_nested_without_reload(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    first_id, *_ = seed(live_app, live_site, url, 2)
    page.goto(url)
    frame = thread_frame(page)
    page.evaluate("window.__host = 'not reloaded'")
    frame.evaluate("window.__frame = 'not reloaded'")
    before = page.locator("#comments iframe").evaluate("el => el.getBoundingClientRect().height")

    parent = frame.locator(f"#c-{first_id}")
    parent.get_by_role("button", name="Reply").first.click()
    form = parent.locator("form.comment-form")
    form.get_by_label("Comment").fill("A reply typed **across sites**")
    form.get_by_label("Name").fill("Cross")
    form.get_by_role("button", name="Post comment").click()
    reply = parent.locator(":scope > .comment-replies > article.comment").last
    reply.locator(".comment-body strong").wait_for()

    assert reply.locator(".comment-author").inner_text() == "Cross"
    assert reply.get_attribute("data-parent") == str(first_id)
    assert frame.locator(".thread-count").inner_text() == "3 comments"
    assert page.evaluate("window.__host") == "not reloaded"
    assert frame.evaluate("window.__frame") == "not reloaded"
    wait_until(lambda: (h := frame_fits(page, frame)) and h > before, message="the frame to grow")
    with live_app.app_context():
        stored = db.session.scalar(select(Comment).where(Comment.author == "Cross"))
        assert stored.parent_id == first_id and stored.status == CommentStatus.APPROVED


def test_collapsed_thread_shows_its_count_and_loads_on_click(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", snippet(live_app, live_site, collapsed="true"))
    seed(live_app, live_site, url, 3, pending=1)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    button = page.get_by_role("button", name="Show comments (3)")
    button.wait_for()
    assert page.locator("#comments iframe").count() == 0
    assert [r for r in requests if "/api/counts" in r] == [
        f"{live_app.base_url}/api/counts?site={live_site}&url={quote(url, safe='')}"]
    assert not [r for r in requests if "/t/" in r]  # the thread is not loaded yet

    button.click()
    frame = thread_frame(page)
    assert frame.locator(".thread-count").inner_text() == "3 comments"
    assert page.locator("#comments .comments-show").count() == 0
    wait_until(lambda: frame_fits(page, frame), message="the frame to fit")


def test_count_js_fills_every_count_in_one_request(page, live_app, live_site, host_site):
    base = host_site.origin
    seed(live_app, live_site, f"{base}/a.html", 2)
    seed(live_app, live_site, f"{base}/b.html", 1, pending=2)
    index = write_page(host_site, "index.html", f"""
      <ul>
        <li><a href="/a.html">A</a> <span id="a" data-comments-count="/a.html">…</span></li>
        <li><a href="/b.html">B</a> <span id="b" data-comments-count="{base}/b.html#comments"></span></li>
        <li><a href="/c.html">C</a> <span id="c" data-comments-count="/c.html"></span></li>
        <li><span id="a-again" data-comments-count="{base}/a.html/?utm_source=x"></span></li>
      </ul>
      <script src="{live_app.base_url}/count.js" data-site="{live_site}" async></script>""")
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(index)
    page.wait_for_function("document.querySelector('#c').textContent !== ''")
    texts = {name: page.locator(f"#{name}").inner_text() for name in ("a", "b", "c", "a-again")}
    assert texts == {"a": "2 comments", "b": "1 comment", "c": "0 comments", "a-again": "2 comments"}
    assert page.locator("#a").get_attribute("data-count") == "2"
    count_requests = [r for r in requests if "/api/counts" in r.url]
    assert len(count_requests) == 1 and count_requests[0].method == "GET"


def test_count_js_sends_long_lists_in_one_post(page, live_app, live_site, host_site):
    base = host_site.origin
    paths = [f"/articles/{index:03d}-a-rather-long-article-title-for-the-index-page.html"
             for index in range(60)]
    seed(live_app, live_site, base + paths[7], 4)
    spans = "".join(f'<span class="n" data-comments-count="{path}"></span>' for path in paths)
    index = write_page(host_site, "index.html", spans + (
        f'<script src="{live_app.base_url}/count.js" data-site="{live_site}" async></script>'))
    requests = []
    page.on("request", lambda request: requests.append(request))
    page.goto(index)
    page.wait_for_function("[...document.querySelectorAll('.n')].every(el => el.textContent)")
    texts = page.locator(".n").all_inner_texts()
    assert texts[7] == "4 comments" and texts.count("0 comments") == 59
    count_requests = [r for r in requests if "/api/counts" in r.url]
    assert [r.method for r in count_requests] == ["POST"]


def test_copied_permalink_opens_the_article_scrolled_to_the_comment(
        page, live_app, live_site, host_site):
    body = FILLER * 6 + snippet(live_app, live_site, collapsed="true") + FILLER
    url = write_page(host_site, "article.html", body)
    ids = seed(live_app, live_site, url, 30)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.set_viewport_size({"width": 1000, "height": 700})

    page.goto(url)
    page.get_by_role("button", name="Show comments (30)").click()
    frame = thread_frame(page)
    target = frame.locator(f"#c-{ids[20]}")
    # thread.js points the permalink at the article page once it runs (auto-waited for:
    # the script may arrive after the comments).
    expect(target.locator(":scope > header time").locator("xpath=..")).to_have_attribute("href", f"{url}#c-{ids[20]}")
    target.get_by_role("button", name="Copy link").first.click()
    wait_until(lambda: target.get_by_role("button", name="Link copied").count(), message="copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{url}#c-{ids[20]}"

    page.goto("about:blank")
    page.goto(copied)  # a reader follows the link: collapsed or not, the thread opens there
    frame = thread_frame(page)
    comment = frame.locator(f"#c-{ids[20]}")
    wait_until(lambda: "comment-highlight" in (comment.get_attribute("class") or ""),
               message="the comment to be highlighted")

    def in_viewport():
        box = comment.bounding_box()  # in the host page's viewport coordinates
        return box and 0 <= box["y"] and box["y"] + 40 <= 700

    wait_until(in_viewport, message="the host page to scroll to the comment")
    assert page.evaluate("window.scrollY") > 1000
    assert page.locator("#comments .comments-show").count() == 0


def test_a_permalink_followed_within_the_page_scrolls_there(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html", snippet(live_app, live_site) + FILLER * 8)
    ids = seed(live_app, live_site, url, 25)
    page.set_viewport_size({"width": 1000, "height": 600})
    page.goto(url)
    frame = thread_frame(page)
    wait_until(lambda: frame_fits(page, frame), message="the frame to fit")
    page.evaluate(f"location.hash = '#c-{ids[22]}'")
    comment = frame.locator(f"#c-{ids[22]}")
    wait_until(lambda: "comment-highlight" in (comment.get_attribute("class") or ""),
               message="the comment to be highlighted")
    wait_until(lambda: (box := comment.bounding_box()) and 0 <= box["y"] <= 560,
               message="the host page to scroll to the comment")


def test_plain_iframe_works_and_scrolls_inside(page, live_app, live_site, host_site):
    article = f"{host_site.origin}/plain.html"
    src = f"{live_app.base_url}/t/{live_site}?url={quote(article, safe='')}"
    url = write_page(host_site, "plain.html", f"""
      <script>window.__messages = 0; addEventListener("message", () => window.__messages++);</script>
      <iframe id="plain" src="{src}" style="width:600px;height:300px;border:1px solid"></iframe>""")
    seed(live_app, live_site, article, 10)
    page.goto(url)
    frame = thread_frame(page, "#plain")
    page.wait_for_load_state("load")
    assert frame.locator(".thread-count").inner_text() == "10 comments"
    assert frame.locator(".thread").get_attribute("data-parent-origin") is None
    frame.locator("article.comment").last.scroll_into_view_if_needed()
    assert frame.evaluate("window.scrollY") > 0  # the page scrolls inside its frame
    assert page.locator("#plain").evaluate("el => el.getBoundingClientRect().height") == 302
    page.wait_for_timeout(300)
    assert page.evaluate("window.__messages") == 0  # no origin asked for: nothing is posted


@pytest.mark.parametrize("live_app_config", [{
    # As over HTTPS, but unpartitioned: a cookie any browser that allows third-party
    # cookies keeps in the iframe (the control test below shows it is kept then).
    "SESSION_COOKIE_SAMESITE": "None", "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_PARTITIONED": False,
}])
def test_posting_works_with_third_party_cookies_blocked(
        browser_with_cookie_policy, live_app, live_site, host_site):
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    moderate_all(live_app, live_site)
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    page.goto(url)
    frame = thread_frame(page)
    probe = frame.evaluate("() => { document.cookie = 'probe=1; SameSite=None; Secure; path=/';"
                           " return document.cookie; }")
    assert probe == ""  # the frame cannot keep a cookie

    frame.get_by_label("Comment").fill("Posted with no cookie at all")
    frame.get_by_label("Name").fill("Ann")
    frame.get_by_role("button", name="Post comment").click()
    mine = frame.locator("article.comment", has_text="Posted with no cookie at all")
    mine.locator(".comment-badge").wait_for()  # awaiting moderation, shown to its author
    mine.get_by_role("button", name="Reply").first.click()
    form = mine.locator("form.comment-form")
    form.get_by_label("Comment").fill("And a reply to it")
    form.get_by_label("Name").fill("Ann")
    form.get_by_role("button", name="Post comment").click()
    mine.locator(".comment-replies article.comment", has_text="And a reply to it").wait_for()

    assert context.cookies() == []  # the session cookie was refused, not merely unused
    with live_app.app_context():
        assert db.session.query(Comment).filter_by(status=CommentStatus.PENDING).count() == 2

    page.reload()  # the author still sees their pending comments: the token, not a cookie
    frame = thread_frame(page)
    frame.locator("article.comment", has_text="Posted with no cookie at all").wait_for()
    assert frame.locator(".comment-replies article.comment", has_text="And a reply").count() == 1
    assert context.cookies() == []

    stranger = browser_with_cookie_policy(block_third_party_cookies=True).new_page()
    stranger.goto(url)
    assert thread_frame(stranger).locator("article.comment").count() == 0


@pytest.mark.parametrize("live_app_config", [{
    "SESSION_COOKIE_SAMESITE": "None", "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_PARTITIONED": False,
}])
def test_the_cookie_checks_would_see_third_party_cookies_when_allowed(
        browser_with_cookie_policy, live_app, live_site, host_site):
    """The control for the test above: the same steps keep cookies when they are allowed."""
    context = browser_with_cookie_policy(block_third_party_cookies=False)
    page = context.new_page()
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    page.goto(url)
    frame = thread_frame(page)
    probe = frame.evaluate("() => { document.cookie = 'probe=1; SameSite=None; Secure; path=/';"
                           " return document.cookie; }")
    assert probe == "probe=1"
    frame.get_by_label("Comment").fill("Cookies allowed")
    frame.get_by_label("Name").fill("Ann")
    frame.get_by_role("button", name="Post comment").click()
    frame.locator("article.comment", has_text="Cookies allowed").wait_for()
    assert "session" in {cookie["name"] for cookie in context.cookies()}


@pytest.mark.parametrize("live_app_config", [{
    "SESSION_COOKIE_SAMESITE": "None", "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_PARTITIONED": True,  # what WIDGET_PUBLIC_URL=https://… chooses
}])
def test_partitioned_session_cookie_is_kept_per_site_when_third_party_cookies_are_blocked(
        browser_with_cookie_policy, live_app, live_site, host_site):
    context = browser_with_cookie_policy(block_third_party_cookies=True)
    page = context.new_page()
    url = write_page(host_site, "article.html", snippet(live_app, live_site))
    page.goto(url)
    frame = thread_frame(page)
    frame.get_by_label("Comment").fill("Partitioned")
    frame.get_by_label("Name").fill("Ann")
    frame.get_by_role("button", name="Post comment").click()
    frame.locator("article.comment", has_text="Partitioned").wait_for()
    cookies = context.cookies()
    top_level_site = host_site.origin.rsplit(":", 1)[0]  # a site: scheme and host, no port
    assert [(c["name"], c.get("partitionKey")) for c in cookies] == [("session", top_level_site)]


def test_loader_accepts_heights_only_from_its_own_frame_and_clamps_them(
        page, live_app, live_site, host_site):
    other_article = f"{host_site.origin}/other.html"
    seed(live_app, live_site, other_article, 15)
    stray_src = (f"{live_app.base_url}/t/{live_site}?url={quote(other_article, safe='')}"
                 f"&origin={quote(host_site.origin, safe='')}")
    url = write_page(host_site, "article.html", snippet(live_app, live_site) + (
        f'<iframe id="stray" src="{stray_src}" style="height:200px;width:300px"></iframe>'))
    page.goto(url)
    frame = thread_frame(page)
    stray = thread_frame(page, "#stray")
    fitted = wait_until(lambda: frame_fits(page, frame), message="the frame to fit")
    loader_frame = page.locator("#comments iframe")

    # The service's origin but not the loader's iframe; then the right source but the host's origin.
    stray.evaluate("parent.postMessage({type: 'widget:height', height: 3333}, '*')")
    page.evaluate("window.postMessage({type: 'widget:height', height: 3333}, '*')")
    page.wait_for_timeout(300)
    assert loader_frame.evaluate("el => el.getBoundingClientRect().height") == fitted

    frame.evaluate("parent.postMessage({type: 'widget:height', height: 1e9}, '*')")
    wait_until(lambda: loader_frame.evaluate("el => el.offsetHeight") == 100000, message="clamp")
    frame.evaluate("parent.postMessage({type: 'widget:height', height: -5}, '*')")
    wait_until(lambda: loader_frame.evaluate("el => el.offsetHeight") == 50, message="clamp")


def test_a_page_on_an_origin_the_site_does_not_allow_sees_why(page, live_app, host_site):
    with live_app.app_context():
        from widget.sites import create_site

        key = create_site("Elsewhere", ["https://blog.example.com"]).key
    url = write_page(host_site, "article.html", snippet(live_app, key))
    page.goto(url)
    page.locator("#comments iframe").wait_for()
    frame = page.locator("#comments iframe").element_handle().content_frame()
    frame.locator("main").wait_for()
    message = frame.locator("main").inner_text()
    assert f"Comments are not enabled for {host_site.origin}" in message
    assert "allowed origins" in message


def test_theme_and_language_reach_the_thread_page(page, live_app, live_site, host_site):
    url = write_page(host_site, "article.html",
                     snippet(live_app, live_site, theme="dark", lang="de"))
    page.emulate_media(color_scheme="light")
    page.goto(url)
    frame = thread_frame(page)
    assert frame.evaluate("document.documentElement.dataset.theme") == "dark"
    assert frame.evaluate("document.documentElement.lang") == "de"
    background = frame.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(13, 17, 23)"  # dark although the reader prefers light
