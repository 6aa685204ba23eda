"""Browser fixtures: the app on a real HTTP server, host article pages on another site,
and headless Chromium (Debian's, never a downloaded one) driven by Playwright."""

import json
import os
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import BASE_CONFIG
from widget import create_app
from widget.extensions import db
from widget.sites import create_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("WIDGET_REQUIRE_BROWSER") == "1"


def _browser_missing_reason():
    if not Path(CHROMIUM).exists():
        return f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package (make test installs it)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing_reason()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"WIDGET_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def context_for(browser):
    """make(color_scheme="light", **options): a page in a fresh context that emulates the
    colour scheme and bypasses CSP (for injected test scripts such as axe-core)."""
    contexts = []

    def make(color_scheme="light", **options):
        context = browser.new_context(bypass_csp=True, color_scheme=color_scheme, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


class ServerThread:
    """A WSGI app or a static folder served on 127.0.0.1 in a background thread."""

    def __init__(self, server):
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self):
        return self.server.server_port

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def browser_with_cookie_policy(browser, tmp_path):
    """Launch Chromium with third-party cookies blocked or allowed, explicitly.

    The setting lives in the profile (`profile.cookie_controls_mode`: 1 blocks third-party
    cookies, 0 allows them), so each launch gets a user data directory whose Preferences
    say which; tests never depend on the browser's default, which has changed over time.
    """
    contexts = []

    def launch(block_third_party_cookies):
        profile = tmp_path / f"profile-{len(contexts)}"
        (profile / "Default").mkdir(parents=True)
        mode = 1 if block_third_party_cookies else 0
        (profile / "Default" / "Preferences").write_text(json.dumps(
            {"profile": {"cookie_controls_mode": mode,
                         "block_third_party_cookies": block_third_party_cookies}}))
        context = browser.browser_type.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts.append(context)
        return context

    yield launch
    for context in contexts:
        context.close()


@pytest.fixture
def live_app_config():
    """Override (e.g. with pytest.mark.parametrize) to run live_app with other settings."""
    return {}


@contextmanager
def serving_app(folder, sqlite_template, extra_config=None):
    """The service on http://localhost:PORT with a fresh SQLite database in folder."""
    database = folder / "live.sqlite"
    shutil.copy(sqlite_template, database)
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
              **(extra_config or {})}
    config.pop("SERVER_NAME")
    app = create_app(config, instance_path=str(folder))
    server = ServerThread(make_server("127.0.0.1", 0, app, threaded=True))
    app.base_url = f"http://localhost:{server.port}"
    try:
        yield app
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()


def serve_folder(folder, headers=None):
    """The files in folder on http://127.0.0.1:PORT (with these extra response headers)."""
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def end_headers(self):
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = ServerThread(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
    server.folder = folder
    server.origin = f"http://127.0.0.1:{server.port}"
    return server


@contextmanager
def serving_folder(folder):
    """A second site (http://127.0.0.1:PORT) serving the files written to folder."""
    server = serve_folder(folder)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def live_app(tmp_path, sqlite_template, live_app_config):
    """The service on http://localhost:PORT with a fresh SQLite database."""
    with serving_app(tmp_path, sqlite_template, live_app_config) as app:
        yield app


@pytest.fixture
def host_site(tmp_path):
    """A second site (http://127.0.0.1:PORT) serving article pages written to its folder."""
    folder = tmp_path / "host"
    folder.mkdir()
    with serving_folder(folder) as server:
        yield server


def register_host_site(live_app, host_site):
    """A registered site whose pages live on host_site and embed live_app; its key."""
    with live_app.app_context():
        site = create_site("Host", [host_site.origin, live_app.base_url])
        return site.key


@pytest.fixture
def live_site(live_app, host_site):
    """A registered site whose pages live on host_site and embed live_app."""
    return register_host_site(live_app, host_site)


def sign_in_to_dashboard(page, live_app, email="boss@example.org"):
    """Sign in as an admin made with tests.admin.conftest.make_admin (any language)."""
    from tests.admin.conftest import PASSWORD

    page.goto(live_app.base_url + "/admin/login")
    page.locator("input[type=email]").fill(email)
    page.locator("input[type=password]").fill(PASSWORD)
    page.locator("input[type=password]").press("Enter")
    page.wait_for_url(live_app.base_url + "/admin/")
