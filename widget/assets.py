"""Static files under content-hashed URLs, cached by browsers and proxies for a year,
scripts and stylesheets minified, and responses compressed (Flask-Compress, brotli first:
at quality 5 it makes the thread page ~20 % smaller than zstd's default for about gzip's
time; scripts and stylesheets at brotli's best, once per version): a reader's second page
view downloads no script or stylesheet again, and a changed file is fetched at once
because its URL changed."""

import hashlib
import time
from contextlib import closing
from pathlib import Path

import brotli
import rcssmin
import rjsmin
from flask import current_app, redirect, request, url_for
from flask_compress import Compress

ONE_YEAR = 365 * 24 * 3600
PAGE_BROTLI_QUALITY = 5  # per response: 10.2 KB for the 200-comment page in ~1 ms (zstd 3: 13.2 KB)
BEST_BROTLI_QUALITY = 11  # once per file version: 39 ms for thread.js, 11 % smaller than quality 5
compress = Compress()


def static_version(filename):
    """A short hash of the file's content, recomputed only when the file changes (looked
    at no more than once a second: every thread page asks)."""
    versions = current_app.extensions.setdefault("widget_static_versions", {})
    known = versions.get(filename)
    now = time.monotonic()
    if known is not None and now - known[2] < 1:
        return known[1]
    path = Path(current_app.static_folder) / filename
    modified = path.stat().st_mtime_ns
    digest = known[1] if known is not None and known[0] == modified else \
        hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    versions[filename] = (modified, digest, now)
    return digest


def code_version():
    """A hash of the templates and translations, the same on every instance running the
    same release: cached pages and ETags name it, so a release that changes a template
    is not served pages rendered by the one before (from Redis, or from a browser)."""
    version = current_app.extensions.get("widget_code_version")
    if version is None:
        package = Path(__file__).resolve().parent
        digest = hashlib.sha256()
        sources = [*package.glob("templates/**/*"), *package.glob("translations/*/*/*.mo")]
        for path in sorted(sources):
            if path.is_file():
                digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
        version = current_app.extensions["widget_code_version"] = digest.hexdigest()[:12]
    return version


def _versioned_static_urls(endpoint, values):
    """url_for("static", filename=…) gains ?v=<content hash>."""
    if endpoint != "static" or "v" in values or "filename" not in values:
        return
    try:
        values["v"] = static_version(values["filename"])
    except OSError:
        pass  # no such file: the URL answers 404 anyway


def _cache_versioned_files(response):
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    try:
        current = static_version(request.view_args["filename"])
    except (OSError, KeyError):
        return response
    if request.args.get("v") == current:
        response.cache_control.no_cache = None  # Flask's default for files: ask every time
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:  # an unversioned or outdated URL: revalidate (Flask sends an ETag)
        response.cache_control.no_cache = True
    return response


MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}


def minify(name, source):
    """The script or stylesheet without comments and spaces (other files as they are)."""
    minifier = MINIFIERS.get(Path(name).suffix)
    return minifier(source) if minifier else source


def _minified_static(name):
    """A static script or stylesheet, minified once per version of the file."""
    cache = current_app.extensions.setdefault("widget_minified", {})
    version = static_version(name)
    if cache.get(name, (None,))[0] != version:
        source = (Path(current_app.static_folder) / name).read_text(encoding="utf-8")
        cache[name] = (version, minify(name, source).encode("utf-8"))
    return cache[name][1]


def precompressed(response):
    """The response's body at brotli's best quality, for a browser that takes brotli:
    compressed once per distinct body (scripts and stylesheets: a handful, each a few
    KB), where Flask-Compress would compress each response again at its faster level.
    Flask-Compress leaves a response that has a Content-Encoding alone."""
    if response.status_code != 200 or "br" not in request.accept_encodings:
        return response
    body = response.get_data()
    cache = current_app.extensions.setdefault("widget_brotli", {})
    key = hashlib.sha256(body).digest()
    if key not in cache:
        if len(cache) >= 256:  # files × languages: never near this, but bounded
            cache.clear()
        cache[key] = brotli.compress(body, quality=BEST_BROTLI_QUALITY)
    response.set_data(cache[key])
    response.headers["Content-Encoding"] = "br"
    response.vary.add("Accept-Encoding")
    etag, weak = response.get_etag()
    if etag:  # as Flask-Compress does: one validator per coding
        response.set_etag(f"{etag}:br", weak=weak)
    return response.make_conditional(request)


def _buffer_static_files(response):
    """Static files are small: read them into the response (minified), so that
    Flask-Compress compresses them whole (its streaming path would leave the file to the
    garbage collector to close). The file is closed here."""
    if request.endpoint != "static" or not response.direct_passthrough:
        return response
    response.direct_passthrough = False
    name = request.view_args["filename"]
    minifiable = response.status_code in (200, 206) and Path(name).suffix in MINIFIERS
    with closing(response.response):
        body = _minified_static(name) if minifiable else b"".join(response.response)
    if minifiable:
        # Always the whole minified file: a byte range of the original would not fit it.
        response.status_code = 200
        response.headers.pop("Content-Range", None)
        response.headers.pop("Accept-Ranges", None)
    response.set_data(body)
    return precompressed(response) if minifiable else response


def favicon():
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


def init_app(app):
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/javascript", "application/json",
        "application/atom+xml", "image/svg+xml",
    ])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "zstd", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", PAGE_BROTLI_QUALITY)
    app.url_defaults(_versioned_static_urls)
    app.after_request(_cache_versioned_files)
    compress.init_app(app)
    app.after_request(_buffer_static_files)  # registered last: runs before compression
