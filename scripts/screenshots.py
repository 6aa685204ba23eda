"""`make screenshots`: PNGs of the demo for the README (docs/screenshots/).

Serves the app on loopback with a fresh SQLite database and a seeded discussion, then
photographs it with headless Chromium (Debian's /usr/bin/chromium, through Playwright):
the demo article light and dark, a 320 px phone, the thread in Arabic (right to left), the
ways to sign in and a signed-in member's thread, and the admin moderation queue.
"""

import struct
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from widget import create_app  # noqa: E402  (the project root is put on the path above)
from widget.admin.accounts import create_admin  # noqa: E402
from widget.extensions import db  # noqa: E402
from widget.models import Comment, CommentStatus, ModerationMode, Thread, utcnow  # noqa: E402
from widget.threads import find_site  # noqa: E402
from widget.markup import render_comment  # noqa: E402
from widget.sites import create_site  # noqa: E402

OUTPUT = PROJECT / "docs" / "screenshots"
# (min width, max width, min height, max height) of every picture, in pixels.
PICTURE_BOUNDS = (300, 1400, 200, 3200)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--font-render-hinting=none"]

ENGLISH_DISCUSSION = [
    # (key, parent key, author, website, minutes ago, text, status)
    ("a", None, "Ann Lee", "https://ann.example", 60 * 26,
     "Lovely write-up. The part about **one thread per article** finally made canonical "
     "URLs click for me.", "approved"),
    ("b", "a", "Bob", None, 60 * 20,
     "> one thread per article\n\nSame here. Does it also drop `utm_*` parameters?", "approved"),
    ("c", "b", "Ann Lee", "https://ann.example", 60 * 19,
     "It does: tracking parameters are dropped, others are kept and sorted.", "approved"),
    ("d", None, "Chidi", None, 95,
     "Works without JavaScript too, which I did not expect. Tried it in a text browser.",
     "approved"),
    ("e", "d", "Dana", None, 12, "Nice! Going to try it on my blog this weekend.", "approved"),
]
ARABIC_DISCUSSION = [
    ("a", None, "سارة", None, 60 * 30,
     "مقالة رائعة! شرح **نقاش واحد لكل مقالة** واضح جدًا.", "approved"),
    ("b", "a", "عمر", None, 60 * 5, "> نقاش واحد لكل مقالة\n\nأتفق معك، والردود المتداخلة مريحة.",
     "approved"),
    ("c", "b", "سارة", None, 45, "نعم، وتعمل من دون جافاسكربت أيضًا.", "approved"),
    ("d", None, "Karim", "https://karim.example", 20, "وهل يمكن تغيير الألوان؟ أريد مظهرًا داكنًا.",
     "approved"),
]


def seed(site, url, title, discussion):
    thread = Thread(site_id=site.id, url=url, title=title)
    db.session.add(thread)
    db.session.flush()
    ids = {}
    now = utcnow()
    for key, parent, author, website, minutes_ago, text, status in discussion:
        comment = Comment(thread_id=thread.id, parent_id=ids.get(parent), author=author,
                          website=website, text=text, html=render_comment(text),
                          status=CommentStatus(status),
                          created_at=now - timedelta(minutes=minutes_ago))
        db.session.add(comment)
        db.session.flush()
        ids[key] = comment.id
    db.session.commit()


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def check_size(path):
    """Fail unless the PNG's width and height are within PICTURE_BOUNDS; say them."""
    with path.open("rb") as file:
        header = file.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    low_width, high_width, low_height, high_height = PICTURE_BOUNDS
    assert low_width <= width <= high_width and low_height <= height <= high_height, (
        f"{path.name} is {width}×{height} px, outside {PICTURE_BOUNDS}")
    print(f"wrote {path.relative_to(PROJECT)} ({width}×{height})")


def shoot(browser, url, path, width, color_scheme="light", full_page=True, wait_for=None):
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=color_scheme, device_scale_factor=1)
    page = context.new_page()
    page.goto(url)
    if wait_for:
        wait_for(page)
    page.wait_for_timeout(300)  # the loader's resize, and fonts
    page.screenshot(path=str(path), full_page=full_page)
    context.close()
    check_size(path)


def wait_for_embedded_thread(page):
    frame = page.frame_locator("#comments iframe")
    frame.locator("article.comment").first.wait_for()
    page.wait_for_function(
        "() => document.querySelector('#comments iframe').getBoundingClientRect().height > 500")


ADMIN_EMAIL = "admin@example.org"
ADMIN_PASSWORD = "screenshots only"
QUEUE = [
    ("Sam", "sam@example.org", None, "First time here: does the loader work with Hugo?"),
    ("Pat", "pat@example.org", "https://pat.example", "> Works without JavaScript too\n\n"
     "Confirmed in w3m. Nice work."),
    ("Promo", "deals@example.net", "https://deals.example.net",
     "Great post!!! Visit [my shop](https://deals.example.net) for cheap watches."),
]


def seed_queue(app, site_key, base):
    """A site whose every comment waits, a few of them waiting, and an admin."""
    with app.app_context():
        site = find_site(site_key)
        site.moderation = ModerationMode.ALL
        thread = db.session.scalar(select(Thread).where(Thread.url == base + "/"))
        now = utcnow()
        for minutes, (author, email, website, text) in enumerate(QUEUE):
            db.session.add(Comment(thread_id=thread.id, author=author, email=email,
                                   website=website, text=text, html=render_comment(text),
                                   status=CommentStatus.PENDING, ip_hash="5e" * 32,
                                   created_at=now - timedelta(minutes=5 + 7 * minutes)))
        db.session.commit()
        create_admin(ADMIN_EMAIL, ADMIN_PASSWORD)


def shoot_admin_queue(browser, base, path, width=1100, height=900):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  device_scale_factor=1)
    page = context.new_page()
    page.goto(base + "/admin/login")
    page.locator("input[type=email]").fill(ADMIN_EMAIL)
    page.locator("input[type=password]").fill(ADMIN_PASSWORD)
    page.locator("input[type=password]").press("Enter")
    page.wait_for_url(base + "/admin/")
    page.goto(base + "/admin/comments")
    page.screenshot(path=str(path), full_page=True)
    context.close()
    check_size(path)


def wait_for_signed_in_thread(page):
    frame = page.frame_locator("#comments iframe")
    frame.locator(".account-menu summary").wait_for()
    frame.locator(".account-menu summary").click()
    frame.locator(".account-menu-items").wait_for()


def open_sign_in_choices(page):
    frame = page.frame_locator("#comments iframe")
    frame.locator(".sign-in-email summary").wait_for()
    frame.locator(".sign-in-email summary").click()


def shoot_thread_top(browser, url, path, prepare, height=560):
    """The top of the embedded thread (account bar and form), as a reader first sees it."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.goto(url)
    wait_for_embedded_thread(page)
    prepare(page)
    page.wait_for_timeout(400)
    box = page.locator("#comments iframe").bounding_box()
    page.screenshot(path=str(path), full_page=True,
                    clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": height})
    context.close()
    check_size(path)


def main():
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/demo.sqlite",
                          "SECRET_KEY": "screenshots-only-" + "x" * 16, "DEMO": True,
                          "RATELIMIT_ENABLED": False,
                          # Ways to sign in for the pictures: mail (never sent here) and a
                          # provider (never called: the pictures stop before a click).
                          "MAIL_SERVER": "127.0.0.1", "MAIL_WORKER": False,
                          "MAIL_FROM": "comments@example.org",
                          "LOGIN_PROVIDERS": {"github": {"client_id": "screenshots",
                                                         "client_secret": "screenshots"}}},
                         instance_path=instance)
        server = serve(app)
        base = f"http://127.0.0.1:{server.server_port}"
        with app.app_context():
            upgrade()
            site = create_site("Demo", [base], key="demo")
            seed(site, base + "/", "A demo article", ENGLISH_DISCUSSION)
            seed(site, base + "/ar", "مقالة تجريبية", ARABIC_DISCUSSION)
            site.login_providers = ["github"]
            db.session.commit()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                shoot(browser, f"{base}/?theme=light", OUTPUT / "thread-light.png", 1000,
                      wait_for=wait_for_embedded_thread)
                shoot(browser, f"{base}/?theme=dark", OUTPUT / "thread-dark.png", 1000,
                      color_scheme="dark", wait_for=wait_for_embedded_thread)
                shoot(browser, f"{base}/", OUTPUT / "thread-narrow-320.png", 320,
                      wait_for=wait_for_embedded_thread)
                arabic = f"{base}/t/demo?url={quote(base + '/ar', safe='')}&lang=ar"
                shoot(browser, arabic, OUTPUT / "thread-rtl-arabic.png", 800)
                shoot_thread_top(browser, f"{base}/", OUTPUT / "sign-in-choices.png",
                                 open_sign_in_choices)
                shoot_thread_top(browser, f"{base}/?member=Ann%20Lee", OUTPUT / "signed-in.png",
                                 wait_for_signed_in_thread, height=420)
                seed_queue(app, "demo", base)
                shoot_admin_queue(browser, base, OUTPUT / "admin-queue.png")
                shoot_admin_queue(browser, base, OUTPUT / "admin-queue-phone-375.png",
                                  width=375, height=740)
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
