"""Atom feeds of the latest approved comments, per thread and per site (no emails)."""

from flask import Blueprint, abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from .extensions import db
from .i18n import use_site_language
from .models import Comment, CommentStatus, Thread
from .sites import public_url
from .threads import find_site, find_thread
from .urls import InvalidURL, normalize_url, origin_of
from .xmltext import xml_safe

bp = Blueprint("feeds", __name__)

ENTRIES = 50
FEED_MAX_AGE = 300


def latest_comments(site, thread=None, limit=ENTRIES):
    query = (select(Comment).join(Comment.thread).options(contains_eager(Comment.thread))
             .where(Thread.site_id == site.id, Comment.status == CommentStatus.APPROVED))
    if thread is not None:
        query = query.where(Comment.thread_id == thread.id)
    return db.session.scalars(query.order_by(Comment.id.desc()).limit(limit)).all()


def _site_or_404(site_key):
    site = find_site(site_key)
    if site is None:
        abort(404, description=_("No site is registered with the key “%(key)s”.", key=site_key))
    # Feed readers send no Accept-Language: the entries speak the `lang` of the link the
    # thread page gives, else the site's language.
    use_site_language(site.default_language)
    return site


@bp.get("/feed/<site_key>.atom")
def site_feed(site_key):
    site = _site_or_404(site_key)
    return _feed(site=site, comments=latest_comments(site), title=_("Comments on %(title)s", title=site.name),
                 feed_id=f"{public_url()}/feed/{site.key}",
                 alternate_url=site.allowed_origins[0] if site.allowed_origins else public_url(),
                 since=site.created_at)


@bp.get("/feed/<site_key>/thread.atom")
def thread_feed(site_key):
    site = _site_or_404(site_key)
    try:
        article_url = normalize_url(request.args.get("url", ""))
    except InvalidURL as error:
        abort(400, description=str(error))
    if origin_of(article_url) not in site.allowed_origins:
        abort(404, description=_("This site has no comments for that address."))
    thread = find_thread(site, article_url)
    comments = latest_comments(site, thread) if thread else []
    title = thread.title if thread and thread.title else article_url
    return _feed(site=site, comments=comments, title=_("Comments on %(title)s", title=title),
                 feed_id=f"{public_url()}/feed/{site.key}/thread?url={article_url}",
                 alternate_url=article_url,
                 since=thread.created_at if thread else site.created_at)


def _feed(comments, since, **context):
    updated = max([comment.edited_at or comment.created_at for comment in comments],
                  default=since)
    self_url = public_url() + url_for(request.endpoint, **request.view_args, **request.args)
    # Stored and imported text may hold characters XML forbids: one would break the
    # feed for every subscriber, so the whole document is cleared of them.
    document = render_template("feeds/atom.xml", comments=comments, updated=updated,
                               self_url=self_url, **context)
    response = make_response(xml_safe(document))
    response.mimetype = "application/atom+xml"
    response.headers["Cache-Control"] = f"public, max-age={FEED_MAX_AGE}"
    return response
