"""The admin API: the queue, moderation, bans and the export, with an API token.

Every action goes through the dashboard's own functions (admin/moderation.py,
admin/bans.py, porting/export.py), so the audit log records it as done by the admin who
made the token. A site the token does not reach answers 404, as if absent.
"""

import io
import json
import math

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import abort
from sqlalchemy import func, select

from ..admin import audit
from ..admin.bans import BanTargetError, add_ban, describe, parse_target
from ..admin.moderation import moderate
from ..admin.queries import CommentFilter, comments_query
from ..embed.forms import MAX_ID
from ..extensions import db
from ..models import Comment, CommentStatus, utcnow
from ..porting.export import write_export
from ..threads import find_site
from .blueprint import admin
from .public import _iso
from .schemas import (
    BanRequestSchema,
    BanSchema,
    ErrorSchema,
    ExportSchema,
    ModeratedSchema,
    ModerationSchema,
    QueueQuery,
    QueueSchema,
)
from .tokens import find_active_token, token_reaches

QUEUE_PAGE_SIZE = 50
SECURITY = [{"ApiToken": []}]


def _errors(*statuses):
    def decorate(view):
        for status in statuses:
            view = admin.alt_response(status, schema=ErrorSchema)(view)
        return admin.doc(security=SECURITY, operationId=view.__name__)(view)
    return decorate


@admin.before_request
def authenticate():
    """Who is calling: the token in `Authorization: Bearer …`, unrevoked."""
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    token = find_active_token(secret.strip()) if scheme.lower() == "bearer" else None
    if token is None:
        abort(401, message=_("Send a valid API token: Authorization: Bearer TOKEN."))
    token.last_used_at = utcnow()
    db.session.commit()
    g.api_token = token


def _site(site_key, moderating=False):
    token = g.api_token
    site = find_site(site_key)
    if site is None or not token_reaches(token, site):
        abort(404, message=_("There is no such site among this token's."))
    if moderating and not token.may_moderate:
        abort(403, message=_("This token may only read; moderating needs a token with "
                             "the moderate scope."))
    return site


@admin.route("/sites/<site_key>/queue")
@admin.arguments(QueueQuery, location="query", as_kwargs=True)
@admin.response(200, QueueSchema)
@_errors(401, 404)
def queue(site_key, status, page):
    """Comments awaiting moderation (or held as spam), newest first."""
    site = _site(site_key)
    query = comments_query(g.api_token.admin, CommentFilter(site_id=site.id,
                                                             status=CommentStatus(status)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / QUEUE_PAGE_SIZE))
    comments = db.session.scalars(
        query.limit(QUEUE_PAGE_SIZE).offset((min(page, pages) - 1) * QUEUE_PAGE_SIZE)).all()
    return {"comments": [_queued(comment) for comment in comments], "page": min(page, pages),
            "pages": pages, "total": total}


def _queued(comment):
    return {"id": comment.id, "thread_url": comment.thread.url, "parent_id": comment.parent_id,
            "status": comment.status.value, "author": comment.author, "email": comment.email,
            "website": comment.website, "ip_hash": comment.ip_hash,
            "spam_reason": comment.spam_reason, "created_at": _iso(comment.created_at),
            "text": comment.text, "html": comment.html}


@admin.route("/sites/<site_key>/comments/<int:comment_id>/moderate", methods=["POST"])
@admin.arguments(ModerationSchema, as_kwargs=True)
@admin.response(200, ModeratedSchema)
@_errors(401, 403, 404)
def moderate_comment(site_key, comment_id, action):
    """Approve, mark as spam or delete a comment (audited, as in the dashboard)."""
    site = _site(site_key, moderating=True)
    comment = db.session.get(Comment, comment_id) if comment_id <= MAX_ID else None
    if comment is None or comment.thread.site_id != site.id:
        abort(404, message=_("There is no such comment on this token's sites."))
    changed = moderate(g.api_token.admin, [comment], action)
    return {"id": comment.id, "status": comment.status.value, "changed": bool(changed)}


@admin.route("/sites/<site_key>/bans", methods=["POST"])
@admin.arguments(BanRequestSchema, as_kwargs=True)
@admin.response(201, BanSchema)
@_errors(401, 403, 404)
def ban(site_key, target, reason):
    """Ban an email address or an IP address (hashed) from commenting on the site."""
    site = _site(site_key, moderating=True)
    try:
        kind, value = parse_target(target)
    except BanTargetError as error:
        abort(422, message=_("Nobody was banned."), errors={"target": [str(error)]})
    made = add_ban(g.api_token.admin, site, kind, value, reason)
    return {"id": made.id, "description": describe(made)}


@admin.route("/sites/<site_key>/export")
@admin.response(200, ExportSchema)
@_errors(401, 403, 404)
def export(site_key):
    """The site's threads, comments and accounts in the export format, emails and IP
    hashes included: as in the dashboard, only a superadmin's token may export."""
    site = _site(site_key)
    if not g.api_token.admin.is_superadmin:
        abort(403, message=_("Only a superadmin's token can export comments."))
    text = io.StringIO()
    write_export(text, [site])
    audit.record(g.api_token.admin, "export", site.id, details="JSON (API)")
    db.session.commit()
    return json.loads(text.getvalue())
