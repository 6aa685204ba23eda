"""Identicons drawn on our server from a keyed hash: no third party, nothing to reverse."""

import hashlib
import hmac
import re
import xml.etree.ElementTree as ET

from tests.commenting import thread_path
from tests.conftest import make_comment, make_thread
from widget.avatars import author_digest

SVG = "{http://www.w3.org/2000/svg}"


def avatar_srcs(page):
    """The image for readers without scripts; thread.js draws the same from its address."""
    return re.findall(r'<span class=comment-avatar><noscript><img src=([^ >]+)', page)


def test_each_comment_shows_an_avatar_from_our_origin(client, site):
    thread = make_thread(site)
    make_comment(thread, author="Ann", email="ann@example.com")
    make_comment(thread, author="Ann again", email="ANN@example.com ")
    make_comment(thread, author="Bob")
    page = client.get(thread_path(site)).get_data(as_text=True)
    srcs = avatar_srcs(page)
    assert len(srcs) == 3
    assert all(src.startswith("/avatar/") and src.endswith(".svg") for src in srcs)
    assert srcs[0] == srcs[1] != srcs[2]  # the same address, the same face
    assert "gravatar" not in page.lower()


def test_the_url_does_not_reveal_the_email(client, site):
    comment = make_comment(make_thread(site), email="ann@example.com")
    digest = author_digest(comment)
    for known_hash in (hashlib.md5, hashlib.sha1, hashlib.sha256):
        assert known_hash(b"ann@example.com").hexdigest()[:32] != digest
    assert "ann" not in digest


def test_the_svg_is_valid_cached_and_deterministic(app, client, site):
    comment = make_comment(make_thread(site), email="ann@example.com")
    src = avatar_srcs(client.get(thread_path(site)).get_data(as_text=True))[0]
    response = client.get(src)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg"
    cells = root.findall(f"{SVG}g/{SVG}rect")
    assert 0 < len(cells) <= 25
    xs = sorted(int(cell.get("x")) for cell in cells)
    assert xs == sorted(4 - x for x in xs)  # mirrored, as identicons are
    assert client.get(src).data == response.data
    # The whole 32-digit digest that pages used to carry draws the same picture.
    assert src == f"/avatar/{author_digest(comment)}.svg" and len(author_digest(comment)) == 6
    key = app.secret_key.encode()
    legacy = hmac.new(key, b"avatar:email:ann@example.com", hashlib.sha256).hexdigest()[:32]
    assert legacy.endswith(author_digest(comment))
    assert client.get(f"/avatar/{legacy}.svg").data == response.data
    assert client.get(f"/avatar/{legacy[:-1]}.svg").status_code == 404
    other = make_comment(make_thread(site, url="https://blog.example.com/b"), email="bob@x.org")
    assert client.get(f"/avatar/{author_digest(other)}.svg").data != response.data
    assert comment.id


def test_a_malformed_avatar_url_is_not_found(client):
    assert client.get("/avatar/not-a-digest.svg").status_code == 404
    assert client.get("/avatar/" + "g" * 32 + ".svg").status_code == 404
