"""Dashboard fixtures: admins (superadmin, moderators), a signed-in client, a second site."""

import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from tests.conftest import ARTICLE, form_token, make_comment, make_site, make_thread
from widget.extensions import db
from widget.models import Admin, CommentStatus

PASSWORD = "correct horse battery"
# Real scrypt, with a lower cost than production's so that the suite stays fast; the
# login path checks whatever parameters the stored hash names.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:4096:8:1")
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                        r'|type="hidden" name="csrf_token" value="([^"]+)"')
OTHER_ARTICLE = "https://other.example.com/posts/elsewhere"


def csrf_of(html):
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def make_admin(email="boss@example.org", sites=(), password_hash=PASSWORD_HASH):
    admin = Admin(email=email, password_hash=password_hash, is_superadmin=not sites,
                  sites=list(sites))
    db.session.add(admin)
    db.session.commit()
    return admin


class RequestScopedClient(FlaskClient):
    """Runs each request in an app context of its own, as a server does.

    The `app` fixture keeps one app context open for the whole test; requests made in it
    would share `g` (where flask-wtf caches the CSRF token and the dashboard the signed-in
    admin), which never happens in production. Afterwards the test's own database session
    is rolled back so that it reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


def new_client(app):
    return RequestScopedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(app):
    return new_client(app)


class Dashboard:
    """A test client that signs in like a browser and sends the CSRF token with each POST."""

    def __init__(self, client):
        self.client = client
        self._token = None

    def login(self, email, password=PASSWORD, next_url="", **kwargs):
        token = csrf_of(self.client.get("/admin/login").text)
        self._token = None  # the session, and so the token, changes at sign-in
        return self.client.post("/admin/login", data={
            "email": email, "password": password, "csrf_token": token, "next": next_url,
        }, **kwargs)

    @property
    def token(self):
        """The session's CSRF token, from the sign-in page (or, signed in, the overview)."""
        if self._token is None:
            page = self.client.get("/admin/login", follow_redirects=True)
            self._token = csrf_of(page.text)
        return self._token

    def get(self, *args, **kwargs):
        return self.client.get(*args, **kwargs)

    def post(self, url, data=None, **kwargs):
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kwargs)


@pytest.fixture
def superadmin(app):
    return make_admin()


@pytest.fixture
def dashboard(client, superadmin):
    """Signed in as the superadmin."""
    board = Dashboard(client)
    response = board.login(superadmin.email)
    assert response.status_code == 303, response.text
    return board


@pytest.fixture
def other_site(app):
    return make_site("Other", origins=["https://other.example.com"])


@pytest.fixture
def moderator(site):
    return make_admin("mod@example.org", sites=[site])


@pytest.fixture
def moderator_board(app, moderator):
    board = Dashboard(new_client(app))
    assert board.login(moderator.email).status_code == 303
    return board


def thread_url(site, url=ARTICLE):
    return f"/t/{site.key}?url={quote(url, safe='')}"


def post_as_reader(client, site, text="Hello", name="Reader", email="", url=ARTICLE,
                   token=None, ip="198.51.100.7", json=False):
    """Post through the public thread form, as a reader's browser would."""
    if token is None:
        token = form_token(client.get(thread_url(site, url)).text)
    return client.post(
        thread_url(site, url),
        data={"name": name, "email": email, "website": "", "text": text, "parent": "",
              "csrf_token": token},
        headers={"Accept": "application/json"} if json else {},
        environ_base={"REMOTE_ADDR": ip},
    )


def pending(thread, text="Waiting", **fields):
    return make_comment(thread, text, status=CommentStatus.PENDING, **fields)


__all__ = ["ARTICLE", "OTHER_ARTICLE", "form_token", "make_comment", "make_site", "make_thread",
           "pending", "post_as_reader", "thread_url"]
