"""Identicons made here, as SVG: a face for each author without asking a third party.

The picture is drawn from an HMAC of the author's email (or name, when there is none)
keyed with the app secret, so the URL cannot be reversed or matched against a list of
addresses, unlike Gravatar's plain hash.
"""

import hashlib
import hmac

from flask import Blueprint, abort, current_app, make_response, render_template, url_for
from flask_babel import gettext as _

bp = Blueprint("avatars", __name__)

GRID = 5  # 5×5 cells, mirrored around the middle column
# The picture reads 24 bits of the HMAC (the cells from the last 4 hex digits, the hue
# from the 3 before them), so the address carries those 6 digits and no more: shorter
# pages, and even less to match against a list of addresses. Addresses with the whole
# 32-digit digest, which pages used to carry, draw the same picture.
DIGEST_LENGTH = 6
LEGACY_DIGEST_LENGTH = 32
ONE_YEAR = 365 * 24 * 3600


def author_digest(comment):
    identity = f"email:{comment.email.strip().lower()}" if comment.email else \
        f"name:{comment.author.strip().lower()}"
    key = current_app.secret_key.encode()
    digest = hmac.new(key, b"avatar:" + identity.encode(), hashlib.sha256).hexdigest()
    return digest[LEGACY_DIGEST_LENGTH - DIGEST_LENGTH:LEGACY_DIGEST_LENGTH]


def avatar_url(comment):
    return url_for("avatars.avatar", digest=author_digest(comment))


def identicon_cells(digest):
    """Which cells are filled, and the colour, both read from the digest's bits."""
    bits = int(digest, 16)
    cells = []
    half = (GRID + 1) // 2
    for row in range(GRID):
        for column in range(half):
            if bits >> (row * half + column) & 1:
                cells.append((column, row))
                if column != GRID - 1 - column:
                    cells.append((GRID - 1 - column, row))
    hue = int(digest[-6:-3], 16) % 360
    return sorted(cells), hue


@bp.get("/avatar/<digest>.svg")
def avatar(digest):
    if len(digest) not in (DIGEST_LENGTH, LEGACY_DIGEST_LENGTH) or any(char not in "0123456789abcdef" for char in digest):
        abort(404, description=_("No such avatar."))
    cells, hue = identicon_cells(digest)
    response = make_response(render_template("avatar.svg", cells=cells, hue=hue, grid=GRID))
    response.mimetype = "image/svg+xml"
    # The picture depends on the URL alone: cache it for good.
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


def init_app(app):
    app.register_blueprint(bp)
    app.add_template_filter(avatar_url)
