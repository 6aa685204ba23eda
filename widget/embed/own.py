"""The viewer's own comments, remembered without cookies: a signed list of comment ids.

A comment awaiting moderation is shown to its author only. Inside a cross-site iframe
the browser may keep no cookie and no storage at all (Chromium with third-party cookies
blocked denies both), so besides the session cookie the ids travel as a signed token:
the JSON answer to a post carries it, thread.js hands it to the loader, the loader keeps
it in the host page's own localStorage and passes it back as `own=` in the iframe URL.
Forms carry it on as well, so the no-script flow keeps it through its redirects.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

OWN_TOKEN_SALT = "widget.own-comments"
OWN_COMMENTS_KEPT = 50
MAX_TOKEN_LENGTH = 2048


def _serializer():
    return URLSafeSerializer(current_app.secret_key, salt=OWN_TOKEN_SALT)


def own_token(site, comment_ids):
    """A token naming the viewer's latest comments on this site (oldest dropped first)."""
    kept = list(dict.fromkeys(comment_ids))[-OWN_COMMENTS_KEPT:]
    return _serializer().dumps({"s": site.key, "c": kept})


def own_comment_ids(site, token):
    """The comment ids a token names, or none when it is missing, forged or another site's."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return []
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return []
    if not isinstance(payload, dict) or payload.get("s") != site.key:
        return []
    return [comment_id for comment_id in payload.get("c", []) if isinstance(comment_id, int)]
