"""Store a stream of imported items: threads per site, comments in batches, parents linked.

Threads are found or made by normalized URL; comments go in with one multi-row INSERT
per batch. A reply whose parent is already stored gets its parent at once; one whose
parent comes later in the file (or later in the same batch) is linked by one UPDATE at
the end. Every comment carries its source's key (or, for a restored comment of our own,
a fingerprint of its time, author and text is compared), so a re-run adds nothing twice.
The caller owns the transaction: nothing here commits.
"""

import hashlib
import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Comment, CommentLike, Site, Thread, utcnow
from ..privacy import hash_ip
from ..sites import parse_origins
from ..threads import bump_versions, find_site
from ..urls import InvalidURL, normalize_url, origin_of
from .accounts_restore import restore_account
from .idmap import IdMap, source_ref
from .rendering import Renderer
from .report import ImportReport
from .stream import (
    ImportedAccount,
    ImportedComment,
    ImportedSite,
    ImportedThread,
    ImportRefused,
    Note,
    Skipped,
    comment_label,
)
from .words import counted_words, words

BATCH_SIZE = 1000
ANONYMOUS = "Anonymous"
BARE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")


@dataclass(slots=True)
class _SourceThread:
    source_id: str
    site_id: int
    url: str | None  # normalized; None when the source's URL is unusable
    title: str
    created: datetime | None
    deleted: bool = False  # deleted in the source: its comments are counted, not stored
    thread_id: int | None = None  # ours, once found or made
    comment_count: int = 0
    outside_origin: str | None = None  # its origin, when the site does not allow it


class ImportWriter:
    """Store items into `site`, or (site None, our JSON) into the sites the file names.

    `restore` (our JSON) also makes threads that have no comments, as the export had them.
    `workers` > 1 sanitizes in that many processes (rendering.py).
    """

    def __init__(self, site=None, *, restore=False, batch_size=BATCH_SIZE, workers=1):
        self.report = ImportReport()
        self._fixed_site = site
        self._site = site
        self._restore = restore
        self._batch_size = batch_size
        self._threads = {}  # source thread id -> _SourceThread
        self._waiting = defaultdict(list)  # source thread id -> comments that came before it
        self._thread_ids = {}  # (site id, url) -> our thread id
        self._sites_loaded = set()  # site ids whose threads are in _thread_ids
        self._existing_threads = set()  # thread ids that were here before this import
        self._keys_loaded = set()  # existing threads whose import keys are loaded
        self._fingerprinted = set()  # existing threads whose keyless comments are loaded
        self._new_threads = set()
        self._touched = set()  # thread ids that got comments
        # dedupe keys, source refs, comment ids and parents: on disk (idmap.py); a dedupe
        # key is the thread id with the import key, or with a digest for a keyless comment
        self._ids = IdMap()
        self._renderer = Renderer(workers)
        # (row, dedupe key, parent's source ref, what, (html, text, markdown with HTML?))
        self._batch = []
        self._queued = deque()  # (batch, its HTML being rendered), oldest first
        # (comment id, parent's source ref, what, answers its parent) to link at the end
        self._unlinked = []
        self._likes = {}  # dedupe key -> likes of a comment not inserted yet (our JSON)
        # dedupe key -> source ref of the comment answered, where it is not the parent
        self._answers = {}
        self._accounts = {}  # source account id -> our account id (our JSON)

    def write(self, items):
        try:
            for item in items:
                if isinstance(item, ImportedComment):
                    self.report.comments_in_file += 1
                    self._add_comment(item)
                elif isinstance(item, ImportedThread):
                    self._add_thread(item)
                elif isinstance(item, ImportedSite):
                    self._use_site(item)
                elif isinstance(item, ImportedAccount):
                    self._add_account(item)
                elif isinstance(item, Skipped):  # by the reader: a comment it leaves out
                    self.report.comments_in_file += 1
                    self.report.skipped.append(item)
                elif isinstance(item, Note):
                    self.report.notes.append(item)
            self._finish()
        finally:
            self._renderer.close()
            self._ids.close()
        return self.report

    # Sites (our JSON only)

    def _use_site(self, imported):
        if self._fixed_site is not None:
            if imported.key != self._fixed_site.key:
                self.report.notes.append(Skipped(
                    words("site %(key)s", key=imported.key),
                    words("imported into site %(key)s", key=self._fixed_site.key)))
            return
        site = find_site(imported.key)
        if site is None:
            try:
                origins = parse_origins(imported.allowed_origins)
            except InvalidURL as error:
                raise ImportRefused(_l("Site %(key)s: %(error)s", key=imported.key,
                                       error=str(error))) from None
            site = Site(key=imported.key, name=imported.name[:200], allowed_origins=origins,
                        moderation=imported.moderation, likes_enabled=imported.likes_enabled,
                        blocked_words=imported.blocked_words, max_links=imported.max_links,
                        commenters=imported.commenters, created_at=imported.created or utcnow())
            if imported.trusted_after is not None:
                site.trusted_after = imported.trusted_after
            db.session.add(site)
            db.session.flush()
            self.report.sites_created.append(site.key)
        else:
            self.report.notes.append(Skipped(
                words("site %(key)s", key=site.key),
                words("exists already: its threads were merged, its settings kept")))
        self._site = site

    # Commenter accounts (our JSON only)

    def _add_account(self, imported):
        if self._site is None:
            raise ImportRefused(_l("The file lists accounts before naming their site."))
        if imported.source_id in self._accounts:
            return  # listed twice: the first one stands
        account_id, created = restore_account(self._site, imported)
        self._accounts[imported.source_id] = account_id
        if created:
            self.report.accounts_created += 1
        else:
            self.report.accounts_present += 1

    def _account_id(self, imported, what):
        if imported.account_source_id is None:
            return None
        account_id = self._accounts.get(imported.account_source_id)
        if account_id is None:
            self.report.notes.append(Skipped(what, words(
                "its account is not in the file's accounts: kept without it")))
        return account_id

    # Threads

    def _add_thread(self, imported):
        if imported.source_id in self._threads:
            return  # listed twice: the first one stands
        if self._site is None:
            raise ImportRefused(_l("The file lists threads before naming their site."))
        try:
            url = normalize_url(imported.url)
        except InvalidURL as error:
            url = None
            # the error is in the language of the request (if any), where it is shown
            self.report.skipped.append(Skipped(_thread_label(imported.source_id, imported.url),
                                               str(error)))
        title = (imported.title or "").strip()[:300]
        source = _SourceThread(imported.source_id, self._site.id, url, title, imported.created,
                               imported.deleted)
        if url is not None and origin_of(url) not in self._site.allowed_origins:
            source.outside_origin = origin_of(url)
        self._threads[imported.source_id] = source
        if self._restore and url is not None:
            self._thread_id(source)
        for comment in self._waiting.pop(imported.source_id, ()):
            self._add_comment(comment)

    def _thread_id(self, source):
        """Our thread for a source thread: found by URL, else made (on its first comment)."""
        if source.thread_id is None:
            key = (source.site_id, source.url)
            if source.site_id not in self._sites_loaded:
                self._load_threads(source.site_id)
            if key not in self._thread_ids:
                self._thread_ids[key] = self._create_thread(source)
            source.thread_id = self._thread_ids[key]
            if source.thread_id in self._existing_threads:
                self._load_import_keys(source.thread_id)
        return source.thread_id

    def _load_threads(self, site_id):
        """The site's threads by URL, in one query rather than one per thread."""
        self._sites_loaded.add(site_id)
        for thread_id, url in db.session.execute(
                select(Thread.id, Thread.url).where(Thread.site_id == site_id)):
            self._thread_ids[(site_id, url)] = thread_id
            self._existing_threads.add(thread_id)

    def _create_thread(self, source):
        """Insert the thread. Were a first comment to make it meanwhile, the import stops
        whole (no savepoint: pysqlite would commit on its release) and may simply be re-run."""
        try:
            thread_id = db.session.scalar(insert(Thread).values(
                site_id=source.site_id, url=source.url, title=source.title, version=1,
                created_at=source.created or utcnow()).returning(Thread.id))
        except IntegrityError:
            raise ImportRefused(_l(
                "A comment created the thread of %(url)s while the file was imported; "
                "nothing was imported: run the import again.", url=source.url)) from None
        self._new_threads.add(thread_id)
        return thread_id

    def _load_import_keys(self, thread_id):
        """The keys of an existing thread's imported comments, before comparing any."""
        if thread_id not in self._keys_loaded:
            self._keys_loaded.add(thread_id)
            stored = db.session.execute(select(Comment.id, Comment.import_key).where(
                Comment.thread_id == thread_id, Comment.import_key.is_not(None)))
            self._ids.store_ids((_dedupe_key(thread_id, import_key), comment_id)
                                for comment_id, import_key in stored)

    # Comments

    def _add_comment(self, imported):
        source = self._threads.get(imported.thread_source_id)
        what = comment_label(imported.source_id, imported.thread_source_id)
        if source is None:
            self._waiting[imported.thread_source_id].append(imported)
            return
        if source.url is None:
            self.report.skipped.append(Skipped(what, words(
                "its thread was skipped (no usable URL)")))
            return
        if source.deleted:
            source.comment_count += 1  # reported once per thread, at the end
            return
        if imported.created is None:
            self.report.skipped.append(Skipped(what, words("it has no valid date")))
            return
        source.comment_count += 1
        thread_id = self._thread_id(source)
        author = (imported.author or "").strip()[:100] or ANONYMOUS
        import_key = imported.import_key or None
        if import_key is None:
            self._load_fingerprints(thread_id)
        dedupe_key = _dedupe_key(thread_id, import_key, imported.created, author, imported.text)
        self._ids.name(source_ref(imported.thread_source_id, imported.source_id), dedupe_key)
        if self._ids.has_key(dedupe_key):
            self.report.already_present += 1
            return
        self._ids.reserve(dedupe_key)
        account_id = self._account_id(imported, what)
        row = {
            "thread_id": thread_id,
            "author": author,
            "email": _optional(imported.email, 254),
            "website": self._website(imported.website, what),
            "text": imported.text,
            "status": imported.status,
            "ip_hash": imported.ip_hash or hash_ip(imported.ip_address),
            "created_at": imported.created,
            "edited_at": imported.edited,
            "import_key": import_key,
            "notify_replies": imported.notify_replies,
            "like_count": len(imported.likes) or imported.like_count,
            "spam_reason": _optional(imported.spam_reason, 200),
            "account_id": account_id,
            # "verified" only with the account that was signed in
            "verified_via": imported.verified_via if account_id is not None else None,
            # the comment answered: the parent (set with it), or see self._answers
            "reply_to_id": imported.answers_parent,
        }
        parent_ref = ((imported.thread_source_id, imported.parent_source_id)
                      if imported.parent_source_id is not None else None)
        self._batch.append((row, dedupe_key, parent_ref, what,
                            (imported.html, imported.text, imported.markdown_with_html)))
        if imported.likes:
            self._likes[dedupe_key] = imported.likes
        if not imported.answers_parent and imported.reply_to_source_id is not None:
            self._answers[dedupe_key] = (imported.thread_source_id, imported.reply_to_source_id)
        if len(self._batch) >= self._batch_size:
            self._flush()

    def _load_fingerprints(self, thread_id):
        """Before a comment without a source key is compared: those of an existing thread."""
        if thread_id in self._existing_threads and thread_id not in self._fingerprinted:
            self._fingerprinted.add(thread_id)
            stored = db.session.execute(
                select(Comment.id, Comment.created_at, Comment.author, Comment.text)
                .where(Comment.thread_id == thread_id, Comment.import_key.is_(None)))
            self._ids.store_ids((_dedupe_key(thread_id, None, created_at, author, text), comment_id)
                                for comment_id, created_at, author, text in stored)

    def _website(self, website, what):
        """Only http(s) links are kept (the page links the author's name to them)."""
        website = (website or "").strip()
        if not website:
            return None
        if BARE_HOST.match(website):
            website = "http://" + website
        if website.lower().startswith(("http://", "https://")) and len(website) <= 500:
            return website
        self.report.notes.append(Skipped(what, words("its website %(website)s was left out",
                                                     website=repr(website[:80]))))
        return None

    def _flush(self, everything=False):
        """Send the batch to be sanitized; insert the batches whose HTML is ready.

        Batches are inserted in order, so a reply's parent from an earlier batch always
        has its id by then.
        """
        if self._batch:
            sources = [source for *_, source in self._batch]
            self._queued.append((self._batch, self._renderer.submit(sources)))
            self._batch = []
        while self._queued and (everything or len(self._queued) > self._renderer.queue_depth):
            batch, rendering = self._queued.popleft()
            self._insert(batch, rendering.result())

    def _insert(self, batch, htmls):
        """Insert a batch in one statement, with every parent that is stored already.

        The database may return the new ids in any order (SQLite promises none), so
        each returned row is matched to its comment by the same key that dedupes it.
        """
        answers_parent = [row["reply_to_id"] is True for row, *_ in batch]
        for (row, _key, parent_ref, _what, _source), html in zip(batch, htmls):
            row["html"] = html
            row["parent_id"] = self._resolve(parent_ref)
            row["reply_to_id"] = row["parent_id"] if row["reply_to_id"] is True else None
        table = Comment.__table__  # Core: one multi-row INSERT per batch, not one per row
        keyed = all(row["import_key"] is not None for row, *_ in batch)
        identity = ((table.c.thread_id, table.c.import_key) if keyed else  # no text sent back
                    (table.c.thread_id, table.c.import_key, table.c.created_at, table.c.author,
                     table.c.text))
        inserted = db.session.execute(table.insert().returning(table.c.id, *identity),
                                      [row for row, *_ in batch])
        ids = {_dedupe_key(*columns): comment_id for comment_id, *columns in inserted}
        self._ids.store_ids(ids.items())
        likes, parents = [], []
        for (row, dedupe_key, parent_ref, what, _source), answers in zip(batch, answers_parent):
            comment_id = ids[dedupe_key]
            likes.extend({"comment_id": comment_id, "visitor_hash": like.visitor_hash,
                          "ip_hash": like.ip_hash, "created_at": like.created}
                         for like in self._likes.pop(dedupe_key, ()))
            self._touched.add(row["thread_id"])
            self.report.added[row["status"]] += 1
            if row["parent_id"] is not None:
                parents.append((comment_id, row["parent_id"]))
            elif parent_ref is not None:
                self._unlinked.append((comment_id, parent_ref, what, answers))
        self._ids.store_parents(parents)
        if likes:
            db.session.execute(insert(CommentLike), likes)

    def _resolve(self, parent_ref):
        if parent_ref is None:
            return None
        return self._ids.resolve(source_ref(*parent_ref))

    def _link_replies(self):
        """Give parents to the replies that came before them; the rest stay at the top."""
        links = []
        for comment_id, parent_ref, what, answers_parent in self._unlinked:
            parent_id = self._resolve(parent_ref)
            if parent_id is None:
                self.report.notes.append(Skipped(what, words(
                    "its parent %(parent)s is not in the file: kept at the top level",
                    parent=parent_ref[1])))
            elif self._makes_loop(comment_id, parent_id):
                self.report.notes.append(Skipped(what, words(
                    "its parent %(parent)s replies to it: kept at the top level",
                    parent=parent_ref[1])))
            else:
                self._ids.store_parents([(comment_id, parent_id)])
                links.append({"id": comment_id, "parent_id": parent_id,
                              "reply_to_id": parent_id if answers_parent else None})
        if links:
            db.session.execute(update(Comment), links)
        answers = [{"id": self._ids.comment_id(key), "reply_to_id": self._resolve(ref)}
                   for key, ref in self._answers.items() if self._ids.comment_id(key)]
        if answers:  # after the parents: the comment answered may differ from the parent
            db.session.execute(update(Comment), answers)

    def _makes_loop(self, comment_id, parent_id):
        ancestor = parent_id
        while ancestor is not None:
            if ancestor == comment_id:
                return True
            ancestor = self._ids.parent_of(ancestor)
        return False

    def _finish(self):
        self._flush(everything=True)
        self._link_replies()
        for thread_source_id, comments in self._waiting.items():
            for comment in comments:
                self.report.skipped.append(Skipped(
                    comment_label(comment.source_id, thread_source_id),
                    words("orphan: its thread %(thread)s is not in the file",
                          thread=thread_source_id)))
        outside_origins = Counter()  # threads kept on an origin the site does not allow
        for source in self._threads.values():
            label = _thread_label(source.source_id, source.url)
            if source.deleted:
                self.report.skipped.append(Skipped(label, counted_words(
                    "the thread was deleted in the export's system: its %(num)s comment was "
                    "not imported",
                    "the thread was deleted in the export's system: its %(num)s comments were "
                    "not imported", source.comment_count)))
            elif not self._restore and source.url is not None and source.comment_count == 0:
                self.report.skipped.append(Skipped(label, words("it has no comments")))
            elif source.outside_origin is not None:
                outside_origins[source.outside_origin] += 1
        for origin, count in outside_origins.items():
            self.report.notes.append(Skipped(origin, counted_words(
                "%(num)s thread on this origin, which the site does not allow yet: add the "
                "origin to the site's origins to show it",
                "%(num)s threads on this origin, which the site does not allow yet: add the "
                "origin to the site's origins to show them", count)))
        self.report.threads_created = len(self._new_threads)
        self.report.threads_extended = len(self._touched - self._new_threads)
        bump_versions(self._touched)  # new versions (cached pages are stale) and counts


def _thread_label(source_id, url):
    if url:
        return words("thread %(id)s (%(url)s)", id=source_id, url=url)
    return words("thread %(id)s", id=source_id)


def _dedupe_key(thread_id, import_key, created=None, author=None, text=None):
    """Thread and source key, or for a comment without one a digest of time, author, text
    (one text either way, for the id map; the prefix keeps the two kinds apart)."""
    if import_key is not None:
        return f"k{thread_id}\x1f{import_key}"
    digest = hashlib.sha256(f"{created.isoformat()}\0{author}\0{text}".encode()).hexdigest()
    return f"f{thread_id}\x1f{digest[:32]}"


def _optional(value, max_length):
    value = (value or "").strip()
    return value[:max_length] or None
