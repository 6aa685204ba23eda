"""Our app under gunicorn: thread pages per size, the static ceiling, ETag revalidation,
the counts API, sequential posting, first-load bytes and the workers' peak memory."""

import json
import re
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from . import first_load, wrk
from .seed import ORIGIN, SIZES, article_path, counts_paths, generate_thread, small_path
from .server import Gunicorn, fetch

PROJECT = Path(__file__).resolve().parent.parent
STATIC = PROJECT / "static"
CEILING_PREFIX = "_bench_ceiling"  # static/_bench_ceiling-*.html: gitignored, removed after the run
POSTING_PATH = "/posts/posting-bench"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
COMMENT = re.compile(r'<article class="?comment[" ]')

# What the bench turns off, and says so in its output.
BENCH_SETTINGS = {"WIDGET_RATELIMIT_ENABLED": "false", "WIDGET_COMMENT_MIN_SECONDS": "0",
                  "WIDGET_MAIL_WORKER": "false"}


def gunicorn_for(database_url, log_path, workers=2, **settings):
    """Our wsgi:app under gunicorn (from this virtualenv), with a fresh secret (and more
    WIDGET_* settings)."""
    env = {"WIDGET_DATABASE_URL": database_url, "WIDGET_SECRET_KEY": secrets.token_hex(32),
           **BENCH_SETTINGS, **settings}
    return Gunicorn(Path(sys.executable).parent / "gunicorn", "wsgi:app", env, PROJECT,
                    log_path, workers=workers)


# Before each read measurement, a short run whose numbers are dropped: every worker (and
# thread) renders and caches its pages once, as a server does in its first seconds.
WARMUP_SECONDS = 2


def measured(url, seconds, **options):
    wrk.run(url, min(WARMUP_SECONDS, seconds), **options)
    return wrk.run(url, seconds, **options)


def page_url(base_url, site_key, path, **extra):
    return f"{base_url}/t/{site_key}?" + urlencode({"url": ORIGIN + path, **extra})


def thread_pages(server, site_key, sizes, seconds, log=print):
    """wrk on each thread page; the worker RSS is read right after the biggest."""
    rows = {}
    for size in sizes:
        url = page_url(server.url, site_key, article_path(size))
        started = time.monotonic()
        first = fetch(url)
        single_ms = (time.monotonic() - started) * 1000
        if first.status != 200:
            raise RuntimeError(f"thread page of {size} answered {first.status}: {first.text[:300]}")
        html = first.text
        log(f"  thread of {size:,}: page {len(first.body):,} bytes, "
            f"{len(COMMENT.findall(html)):,} comments on it, one request {single_ms:,.0f} ms; "
            f"wrk {seconds} s")
        result = measured(url, seconds)
        rows[size] = {**result.as_dict(), "page_bytes": len(first.body),
                      "comments_on_page": len(COMMENT.findall(html)),
                      "next_page": "page=2" in html, "etag": first.headers.get("etag"),
                      "single_request_ms": round(single_ms, 1)}
    return rows


def static_ceiling(server, page_bytes, seconds, log=print):
    """The same gunicorn sending a static file of the page's size through Flask's
    static route: the most this stack can do for those bytes."""
    name = f"{CEILING_PREFIX}-{secrets.token_hex(4)}.html"  # one per run: runs may overlap
    path = STATIC / name
    path.write_bytes(page_bytes)
    try:
        url = f"{server.url}/static/{name}"
        first = fetch(url)
        if first.status != 200 or first.content != page_bytes:
            log(f"  static ceiling: /static/{name} answered {first.status}; skipped")
            return {"error": f"static route answered {first.status}", "file": name}
        log(f"  static ceiling: {len(page_bytes):,} bytes from /static/; wrk {seconds} s")
        return {**measured(url, seconds).as_dict(), "bytes": len(page_bytes), "file": name}
    finally:
        path.unlink(missing_ok=True)


def page_gzip(server, site_key, size, seconds, log=print):
    """The page as browsers ask for it (Accept-Encoding: gzip): what compressing costs.
    The other runs, like the static ceiling, take the uncompressed bytes."""
    url = page_url(server.url, site_key, article_path(size))
    answer = fetch(url, headers={"Accept-Encoding": "gzip"})
    encoding = answer.headers.get("content-encoding")
    log(f"  thread of {size:,} with Accept-Encoding: gzip: {len(answer.body):,} bytes "
        f"({encoding or 'not compressed'}); wrk {seconds} s")
    result = measured(url, seconds, headers={"Accept-Encoding": "gzip"})
    return {**result.as_dict(), "bytes": len(answer.body), "content_encoding": encoding}


def revalidation(server, site_key, size, seconds, log=print):
    """If-None-Match with the page's own ETag: 304s per second (or why there are none)."""
    url = page_url(server.url, site_key, article_path(size))
    etag = fetch(url).headers.get("etag")
    if not etag:
        log("  revalidation: the thread page sends no ETag")
        return {"etag": None, "error": "no ETag"}
    again = fetch(url, headers={"If-None-Match": etag})
    if again.status != 304:
        log(f"  revalidation: If-None-Match answered {again.status}, not 304")
        return {"etag": etag, "error": f"If-None-Match answered {again.status}"}
    log(f"  revalidation: ETag {etag}; wrk {seconds} s")
    result = measured(url, seconds, headers={"If-None-Match": etag}, script=wrk.STATUS_COUNTER)
    return {**result.as_dict(), "etag": etag, "not_modified_per_second": result.per_second(304)}


def counts(server, site_key, expected, seconds, log=print):
    """GET /api/counts for 50 article URLs, some with comments, some without."""
    urls = [ORIGIN + path for path in counts_paths()]
    url = f"{server.url}/api/counts?" + urlencode([("site", site_key)] + [("url", u) for u in urls])
    first = fetch(url)
    if first.status != 200:
        raise RuntimeError(f"counts answered {first.status}: {first.text[:300]}")
    answered = json.loads(first.content)["counts"]
    wrong = {u: (answered.get(u), n) for u, n in expected.items() if answered.get(u) != n}
    log(f"  counts: {len(urls)} URLs, {sum(1 for n in answered.values() if n)} with comments; "
        f"wrk {seconds} s")
    return {**measured(url, seconds).as_dict(), "urls": len(urls), "wrong_counts": wrong}


def expected_counts(sizes, small_threads):
    counts = {ORIGIN + path: 0 for path in counts_paths()}
    for size in sizes:
        counts[ORIGIN + article_path(size)] = size
    for number in range(small_threads):
        counts[ORIGIN + small_path(number)] = len(generate_thread(3, seed=f"small-{number}"))
    return counts


def posting(server, site_key, database_url, seconds, log=print):
    """One client posting comments back to back (wrk -t1 -c1) into a thread of its own;
    then the database must hold exactly as many new comments as there were 201s."""
    url = page_url(server.url, site_key, POSTING_PATH)
    form = fetch(url)
    token = TOKEN.search(form.text)
    if form.status != 200 or not token:
        raise RuntimeError(f"no comment form on the posting thread ({form.status})")
    before = comments_in(database_url, ORIGIN + POSTING_PATH)
    run_id = secrets.token_hex(3)
    script = wrk.poster_script({"text": f"Posting bench comment {run_id}", "name": "Bench poster",
                                "email": "", "website": "", "parent": "",
                                "csrf_token": token.group(1)})
    log(f"  posting: sequential, one connection; wrk {seconds} s")
    result = wrk.run(url, seconds, threads=1, connections=1, script=script, headers={
        "Accept": "application/json", "Origin": ORIGIN,
        "Content-Type": "application/x-www-form-urlencoded"})
    created = result.statuses.get(201, 0)
    # wrk stops without waiting for the answer in flight (one per connection): the
    # server still stores that comment, maybe a moment after wrk has returned.
    unanswered = (result.sent or 0) - result.requests
    deadline = time.monotonic() + 5
    while True:
        after = comments_in(database_url, ORIGIN + POSTING_PATH)
        new = {status: after.get(status, 0) - before.get(status, 0) for status in after}
        stored = sum(new.values())
        if stored >= created + unanswered or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return {**result.as_dict(), "created_201": created, "unanswered_at_stop": unanswered,
            "stored": stored, "stored_by_status": new,
            "matches": created == result.requests and stored == created + unanswered,
            "comments_per_second": created / result.seconds if result.seconds else 0.0}


def comments_in(database_url, thread_url):
    """{status: comments} of one thread, read straight from the database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT comment.status, count(*) FROM comment JOIN thread "
                "ON comment.thread_id = thread.id WHERE thread.url = :url GROUP BY comment.status"
            ), {"url": thread_url})
            return {status: count for status, count in rows}
    finally:
        engine.dispose()


def measure(server, site_key, database_url, seconds, sizes=SIZES, small_threads=0,
            with_bytes=True, log=print):
    """Every measurement of our app on one running server, posting last."""
    results = {"thread_pages": thread_pages(server, site_key, sizes, seconds, log)}
    results["worker_peak_rss_mib"] = server.peak_rss_mib()  # right after the biggest thread
    ceiling_size = 200 if 200 in sizes else sizes[0]
    page = fetch(page_url(server.url, site_key, article_path(ceiling_size))).content
    results["ceiling_size"] = ceiling_size
    results["static_ceiling"] = static_ceiling(server, page, seconds, log)
    results["page_gzip"] = page_gzip(server, site_key, ceiling_size, seconds, log)
    results["revalidation"] = revalidation(server, site_key, ceiling_size, seconds, log)
    results["counts"] = counts(server, site_key, expected_counts(sizes, small_threads), seconds, log)
    if with_bytes:
        rows = first_load.ours(server.url, site_key, ORIGIN + article_path(ceiling_size), ORIGIN)
        results["first_load"] = {"size": ceiling_size, "rows": [r.as_dict() for r in rows],
                                 **first_load.totals(rows)}
    results["posting"] = posting(server, site_key, database_url, seconds, log)
    return results
