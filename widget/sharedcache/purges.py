"""Purges: the tags of every thread (and site) a transaction changed, sent to each cache in
WIDGET_CACHE_PURGE_URLS after the commit, from a background thread, batched and retried.

Nothing is collected or sent while no purge URL is set. A purge is sent after the commit
and never before: a reader arriving between a purge and the commit would cache the old
page again. Purges are idempotent, so a retry or a purge of a thread that did not change
in the end (a rolled-back savepoint) does no harm but a miss. The queue lives in the
process: a purge lost with a dying worker leaves a page stale for s-maxage at most.
"""

import atexit
import logging
import threading
import time

import httpx
from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..background import BackgroundSender
from ..extensions import db
from ..models import Site, Thread
from .tags import site_tag, thread_tag

log = logging.getLogger(__name__)
QUEUE_KEY = "widget.purge_queue"
THREADS_INFO = "widget_purge_threads"
SITES_INFO = "widget_purge_sites"
PURGE_HEADER = "xkey-purge"  # what docs/varnish.vcl reads


def purge_urls(config):
    """WIDGET_CACHE_PURGE_URLS: comma-separated (a JSON list works too)."""
    urls = config.get("CACHE_PURGE_URLS") or []
    if isinstance(urls, str):
        urls = urls.split(",")
    return [url.strip() for url in urls if url.strip()]


def purge_threads(thread_ids):
    """These threads' pages change when the transaction commits."""
    _collect(THREADS_INFO, thread_ids)


def purge_sites(site_ids):
    """Every page of these sites changes when the transaction commits (site settings)."""
    _collect(SITES_INFO, site_ids)


def _collect(name, ids):
    if has_app_context() and QUEUE_KEY in current_app.extensions:
        db.session.info.setdefault(name, set()).update(ids)


def _queue_after_commit(session):
    thread_ids = session.info.pop(THREADS_INFO, set())
    site_ids = session.info.pop(SITES_INFO, set())
    if (thread_ids or site_ids) and has_app_context():
        queue = current_app.extensions.get(QUEUE_KEY)
        if queue is not None:
            queue.add(thread_ids, site_ids)


def _forget_after_rollback(session, previous_transaction):
    if not previous_transaction.nested:  # a savepoint's rollback leaves the rest to commit
        session.info.pop(THREADS_INFO, None)
        session.info.pop(SITES_INFO, None)


class PurgeQueue:
    """Changed threads and sites waiting to be turned into tags, and purge requests
    waiting for their (next) attempt."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.thread_ids, self.site_ids = set(), set()
        self.jobs = []  # [due (monotonic), url, tags, attempt]
        self.in_flight = 0
        self.sender = BackgroundSender(app, "purges", "CACHE_PURGE_POLL_INTERVAL",
                                       self.send_due)

    def add(self, thread_ids, site_ids):
        with self.lock:
            self.thread_ids |= set(thread_ids)
            self.site_ids |= set(site_ids)
        self.sender.wake()

    def wait_idle(self, timeout=10):
        """Until nothing is waiting to be sent now (tests; retries later do not count)."""
        deadline = time.monotonic() + timeout
        with self.idle:
            while self._busy():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.idle.wait(left)
        return True

    def _busy(self):
        now = time.monotonic()
        return bool(self.thread_ids or self.site_ids or self.in_flight
                    or any(job[0] <= now for job in self.jobs))

    def send_due(self):
        """One round: new changes become requests, due requests are sent. Returns
        (requests attempted,) for BackgroundSender."""
        with self.lock:
            thread_ids, self.thread_ids = self.thread_ids, set()
            site_ids, self.site_ids = self.site_ids, set()
            self.in_flight += 1
        try:
            if thread_ids or site_ids:
                self._plan(thread_ids, site_ids)
            return (self._send_what_is_due(),)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.idle.notify_all()

    def _plan(self, thread_ids, site_ids):
        """The tags of what changed, in requests of at most TAGS_PER_REQUEST, for each URL."""
        config = self.app.config
        try:
            tags = resolve_tags(thread_ids, site_ids, config["CACHE_PURGE_SITE_AFTER"])
        except Exception:
            with self.lock:  # the database is away: again at the next poll
                self.thread_ids |= thread_ids
                self.site_ids |= site_ids
            raise
        size = config["CACHE_PURGE_TAGS_PER_REQUEST"]
        batches = [tags[start:start + size] for start in range(0, len(tags), size)]
        # Once now, and once more a little later: a page rendered from the old data by a
        # request that was under way at the commit may reach the cache after the first.
        repeat = config["CACHE_PURGE_REPEAT_AFTER"]
        times = [0, time.monotonic() + repeat] if repeat else [0]
        with self.lock:
            self.jobs += [[due, url, batch, 0] for due in times
                          for url in purge_urls(config) for batch in batches]

    def _send_what_is_due(self):
        now = time.monotonic()
        with self.lock:
            due = [job for job in self.jobs if job[0] <= now]
            self.jobs = [job for job in self.jobs if job[0] > now]
        for job in due:
            self._attempt(job, self.app.config)
        return len(due)

    def _attempt(self, job, config):
        _, url, tags, attempt = job
        problem = send_purge(url, tags, config["CACHE_PURGE_TIMEOUT"])
        if problem is None:
            return
        if attempt + 1 >= config["CACHE_PURGE_MAX_ATTEMPTS"]:
            log.error("Purge of %d tags at %s failed %d times, given up: %s",
                      len(tags), url, attempt + 1, problem)
            return
        delay = config["CACHE_PURGE_RETRY_DELAY"] * 2 ** attempt
        log.warning("Purge at %s failed (%s); again in %.1f s", url, problem, delay)
        with self.lock:
            self.jobs.append([time.monotonic() + delay, url, tags, attempt + 1])


def send_purge(url, tags, timeout):
    """One purge request; None when the cache took it, else what went wrong."""
    value = " ".join(tags)
    try:
        response = httpx.request("PURGE", url, timeout=timeout,
                                 headers={PURGE_HEADER: value, "Surrogate-Key": value})
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"
    if response.is_success:
        return None
    return f"HTTP {response.status_code}"


def resolve_tags(thread_ids, site_ids, site_after):
    """The tags to purge: each thread's, or its site's when a site has more than
    site_after changed threads (an import) or changed as a whole."""
    site_keys = set()
    if site_ids:
        site_keys |= set(db.session.scalars(select(Site.key).where(Site.id.in_(site_ids))))
    by_site = {}
    ids = sorted(thread_ids)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(select(Site.key, Thread.url).join(Site)
                                  .where(Thread.id.in_(ids[start:start + 500])))
        for key, url in rows:
            by_site.setdefault(key, []).append(url)
    db.session.rollback()  # nothing to keep: end the read transaction
    tags = [site_tag(key) for key in sorted(site_keys)]
    for key, urls in sorted(by_site.items()):
        if key in site_keys:
            continue
        if len(urls) > site_after:
            tags.append(site_tag(key))
        else:
            tags += sorted(thread_tag(key, url) for url in urls)
    return tags


def queue_of(app):
    return app.extensions.get(QUEUE_KEY)


def init_app(app):
    if purge_urls(app.config):
        queue = app.extensions[QUEUE_KEY] = PurgeQueue(app)
        # A command (an import, a site setting) may exit right after its commit: its
        # purges go out first, waiting at most about one request's timeout.
        atexit.register(queue.wait_idle, app.config["CACHE_PURGE_TIMEOUT"] + 1)


event.listen(Session, "after_commit", _queue_after_commit)
event.listen(Session, "after_soft_rollback", _forget_after_rollback)
