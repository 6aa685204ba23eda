"""Registering sites: their key, name, allowed origins and the snippet to paste."""

from flask import current_app, has_request_context, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from .extensions import db
from .models import Site
from .urls import InvalidURL, origin_of


def parse_origins(raw_origins):
    """Normalize origins like "https://Example.com/" to "https://example.com"; reject the rest."""
    origins = []
    for raw in raw_origins:
        try:
            origin = origin_of(raw)
        except InvalidURL as error:
            raise InvalidURL(_("“%(value)s” is not an origin: %(reason)s", value=raw, reason=error)) from None
        if origin not in origins:
            origins.append(origin)
    return origins


def create_site(name, raw_origins, key=None):
    site = Site(name=name, allowed_origins=parse_origins(raw_origins))
    if key:
        site.key = key
    db.session.add(site)
    db.session.commit()
    return site


def all_sites():
    return db.session.scalars(select(Site).order_by(Site.id)).all()


def public_url():
    """Where readers reach this service: WIDGET_PUBLIC_URL, else the current request's
    host, else the development server's address."""
    configured = current_app.config.get("PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def embed_snippet(site):
    """The HTML a site owner pastes where the comments should appear."""
    return render_template("embed/snippet.html", site=site, base_url=public_url()).strip()


def comment_max_length(site):
    """The longest comment this site accepts: its own limit, capped by the service's."""
    service_limit = current_app.config["COMMENT_MAX_LENGTH"]
    return min(site.max_comment_length or service_limit, service_limit)
