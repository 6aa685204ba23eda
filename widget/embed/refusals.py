"""Refused thread requests explain themselves inside the iframe that asked for them."""

import re

from flask import request

from ..urls import InvalidURL, origin_of

REFUSED_ENDPOINTS = ("embed.thread_page", "embed.post")
ORIGIN_PATTERN = re.compile(r"https?://[a-z0-9.\-]+(:[0-9]+)?|https?://\[[0-9a-f:.]+\](:[0-9]+)?")


def frame_refusals(response):
    """Show why a thread was refused inside the iframe that asked for it.

    The global headers forbid framing, so the reader would only see the browser's blank
    "refused to connect". The refusal is one static message (no form, no script, nothing
    to click), so letting the page that asked for it frame it is harmless.
    """
    if (response.status_code >= 400 and request.endpoint in REFUSED_ENDPOINTS
            and "Content-Security-Policy" not in response.headers):
        ancestors = claimed_origins()
        response.headers["Content-Security-Policy"] = refusal_policy(ancestors)
        if not ancestors:
            response.headers["X-Frame-Options"] = "DENY"
    return response


def claimed_origins():
    """The origins a refused request names: the embedding page's and the article's."""
    claimed = set()
    for raw in (request.args.get("origin", ""), request.args.get("url", "")):
        try:
            origin = origin_of(raw)
        except InvalidURL:
            continue
        if ORIGIN_PATTERN.fullmatch(origin):  # nothing that could end the CSP directive
            claimed.add(origin)
    return sorted(claimed)


def refusal_policy(ancestors):
    frame_ancestors = " ".join(ancestors) or "'none'"
    return ("default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; "
            f"frame-ancestors {frame_ancestors}")
