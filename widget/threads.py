"""Load a thread in one query and build its tree; post a comment in one transaction."""

import enum
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from .dbretry import on_own_connection
from .extensions import db
from .markup import render_comment
from .models import Comment, CommentStatus, ModerationMode, Site, Thread
from .sharedcache.purges import purge_sites, purge_threads
from .signals import comment_posted


@dataclass
class CommentNode:
    """A comment as the page shows it, with the replies nested under it."""

    comment: Comment
    replies: list["CommentNode"] = field(default_factory=list)
    # The comment answered, when the depth cap placed this one elsewhere in the tree.
    replying_to: "CommentNode | None" = None

    @property
    def is_placeholder(self):
        return self.comment.status == CommentStatus.DELETED

    @property
    def is_shown(self):
        return not self.is_placeholder or bool(self.replies)


@dataclass
class ThreadView:
    thread: Thread | None
    roots: list[CommentNode]
    count: int  # approved comments, the number readers see in the heading

    @property
    def comments(self):
        """Every visible (not placeholder) comment, in page order."""
        return [node.comment for node, opening in walk(self.roots)
                if opening and not node.is_placeholder]


class PostRefused(Exception):
    """A post that the rules refuse, with the form field it concerns (or None)."""

    def __init__(self, message, field=None, status=422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


def find_thread(site, normalized_url):
    return db.session.scalar(
        select(Thread).where(Thread.site_id == site.id, Thread.url == normalized_url)
    )


class Sort(enum.StrEnum):
    """Orders of top-level comments a reader may choose; replies keep conversation order."""

    OLDEST = "oldest"
    NEWEST = "newest"
    LIKED = "liked"

    @classmethod
    def parse(cls, raw, likes_enabled=True):
        """The order a request names, or the default for anything unknown."""
        try:
            sort = cls(raw or cls.OLDEST)
        except ValueError:
            return cls.OLDEST
        return cls.OLDEST if sort == cls.LIKED and not likes_enabled else sort


def thread_view(thread, own_comment_ids=(), sort=Sort.OLDEST):
    """The thread's visible comments as a tree, in one query: approved ones, the viewer's
    own pending ones, and deleted ones kept as "[deleted]" placeholders while they have
    replies. Top-level comments come in the given order; replies always oldest first."""
    if thread is None:
        return ThreadView(None, [], 0)
    visible = or_(
        Comment.status.in_([CommentStatus.APPROVED, CommentStatus.DELETED]),
        # Held comments (spam looks just like pending to its author) only for their author.
        Comment.status.in_([CommentStatus.PENDING, CommentStatus.SPAM])
        & Comment.id.in_(list(own_comment_ids)),
    )
    comments = db.session.execute(
        select(*SHOWN_COLUMNS).where(Comment.thread_id == thread.id, visible).order_by(Comment.id)
    ).all()
    return ThreadView(thread, sort_roots(build_tree(comments), sort), _approved_count(comments))


# What the page shows of a comment, read as plain rows: a big thread loads several times
# faster than as ORM objects, and the page only reads them.
SHOWN_COLUMNS = (Comment.id, Comment.thread_id, Comment.parent_id, Comment.reply_to_id,
                 Comment.author, Comment.email, Comment.website, Comment.html, Comment.status,
                 Comment.created_at, Comment.edited_at, Comment.like_count,
                 Comment.account_id, Comment.verified_via)


def sort_roots(roots, sort):
    if sort == Sort.NEWEST:
        return sorted(roots, key=lambda node: node.comment.id, reverse=True)
    if sort == Sort.LIKED:
        return sorted(roots, key=lambda node: (-node.comment.like_count, node.comment.id))
    return roots


def count_comments(site, normalized_urls):
    """Approved comments per article URL of a site, in one query of one row per thread
    (Thread.approved_count); URLs without a thread count 0."""
    counts = dict.fromkeys(normalized_urls, 0)
    rows = db.session.execute(
        select(Thread.url, Thread.approved_count)
        .where(Thread.site_id == site.id, Thread.url.in_(list(counts)))
    )
    counts.update((url, count) for url, count in rows)
    return counts


def _approved_count(comments):
    return sum(1 for comment in comments if comment.status == CommentStatus.APPROVED)


def build_tree(comments):
    """Nest comments under their parents, whatever their order.

    A reply whose parent is not visible is shown at the top level rather than lost;
    placeholders for deleted comments are pruned when nothing visible hangs below them.
    """
    nodes = {comment.id: CommentNode(comment) for comment in comments}
    roots = []
    for comment in comments:
        parent = nodes.get(comment.parent_id)
        (parent.replies if parent else roots).append(nodes[comment.id])
        if comment.reply_to_id != comment.parent_id:
            nodes[comment.id].replying_to = nodes.get(comment.reply_to_id)
    for node, opening in walk(roots):
        if not opening:  # children close first, so their pruning is already done
            node.replies = [reply for reply in node.replies if reply.is_shown]
    return [root for root in roots if root.is_shown]


def walk(roots):
    """Yield (node, True) as each comment opens and (node, False) as it closes,
    depth first, without recursion: a thread may nest thousands of levels deep."""
    stack = [(node, True) for node in reversed(roots)]
    while stack:
        node, opening = stack.pop()
        yield node, opening
        if opening:
            stack.append((node, False))
            stack.extend((reply, True) for reply in reversed(node.replies))


@dataclass
class NewComment:
    """What a commenter submitted, already validated by the form and judged by the guard."""

    author: str
    text: str
    email: str | None = None
    website: str | None = None
    parent_id: int | None = None
    ip_hash: str | None = None
    notify_replies: bool = False
    submit_key: str | None = None  # one submit, one comment (see find_submitted)
    spam_reason: str | None = None  # set by the guard: store it as spam, held for review
    account_id: int | None = None  # a signed-in commenter's account (accounts/)
    verified_via: str | None = None  # how they signed in


def find_submitted(submit_key):
    """The comment an earlier request with this submit key made, if any."""
    if not submit_key:
        return None
    # Asked on every post, and nearly always answered "none": the id alone, by a
    # statement built once; the comment itself only for a repeat.
    comment_id = db.session.scalar(_SUBMITTED, {"submit_key": submit_key})
    return db.session.get(Comment, comment_id) if comment_id is not None else None


_SUBMITTED = select(Comment.__table__.c.id).where(
    Comment.__table__.c.submit_key == bindparam("submit_key"))


# post_comment's `thread` when the caller has not read it: look it up.
LOOK_UP = object()


def post_comment(site, normalized_url, title, new, max_depth=None, thread=LOOK_UP, judge=None):
    """Store a comment (making the thread on its first comment) and bump the version,
    all in one transaction: a failure anywhere leaves neither thread nor comment.

    A reply deeper than max_depth attaches to its deepest allowed ancestor and keeps
    the comment it answered in reply_to_id. When a comment with the same submit key
    exists (a double click, a retried request, even one racing this one), that comment
    is returned and nothing is written. Raises PostRefused when comments are closed
    there, or the parent is unknown or in another thread; nothing is written then. Two
    first posts racing to create the thread: the loser retries once and finds the
    winner's thread.

    `thread`: the article's thread as the caller read it in this transaction (None: none
    yet), so that it is not read twice. `judge(new)`: the guard, run only for a submit not
    seen before (a repeat gets its comment, not a second verdict); it may raise
    PostRefused or set new.spam_reason.
    """
    earlier = find_submitted(new.submit_key)
    if earlier is not None:
        return earlier
    if judge is not None:
        judge(new)
    try:
        return _insert_comment(site, normalized_url, title, new, max_depth, thread)
    except IntegrityError:
        db.session.rollback()
        # A concurrent identical submit won the unique submit_key: answer with its comment.
        earlier = find_submitted(new.submit_key)
        if earlier is not None:
            return earlier
        return _insert_comment(site, normalized_url, title, new, max_depth, LOOK_UP)


def _insert_comment(site, normalized_url, title, new, max_depth, thread):
    if thread is LOOK_UP:
        thread = find_thread(site, normalized_url)
    refusal = closed_reason(site, thread)
    if refusal is not None:
        db.session.rollback()
        raise PostRefused(refusal, status=403)
    ancestors = _ancestors(new.parent_id) if new.parent_id is not None else []
    if new.parent_id is not None and (not ancestors or thread is None
                                      or ancestors[0].thread_id != thread.id):
        db.session.rollback()
        raise PostRefused(_("The comment you are replying to does not exist."), "parent")
    if thread is None:
        thread = Thread(site_id=site.id, url=normalized_url, title=title or "")
        db.session.add(thread)
        db.session.flush()
    status = (CommentStatus.SPAM if new.spam_reason
              else initial_status(site, new.email, account_id=new.account_id))
    comment = Comment(
        thread_id=thread.id,
        parent_id=_attach_point(ancestors, max_depth) if ancestors else None,
        reply_to_id=new.parent_id,
        author=new.author,
        email=new.email or None,
        website=new.website or None,
        text=new.text,
        html=render_comment(new.text),
        status=status,
        spam_reason=new.spam_reason,
        ip_hash=new.ip_hash,
        submit_key=new.submit_key,
        notify_replies=bool(new.notify_replies and new.email),
        account_id=new.account_id,
        verified_via=new.verified_via,
    )
    db.session.add(comment)
    db.session.flush()
    # Emails go into the outbox in this same transaction: none is lost, none is sent
    # for a comment that was not stored.
    comment_posted.send(comment)
    bump_version(thread.id, approved_added=int(status == CommentStatus.APPROVED))
    _commit_keeping_loaded()
    return comment


def _commit_keeping_loaded():
    """Commit without expiring what the session holds: the caller answers from the new
    comment and its site, whose values are the ones just written or read, and reading
    them again after the commit would cost a query each (a round trip on PostgreSQL)."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def _ancestors(comment_id, limit=1000):
    """The comment and its ancestors, nearest first, in one recursive query."""
    chain = (
        select(Comment.id, Comment.parent_id, Comment.thread_id, literal(0).label("up"))
        .where(Comment.id == comment_id)
        .cte("ancestors", recursive=True)
    )
    chain = chain.union_all(
        select(Comment.id, Comment.parent_id, Comment.thread_id, chain.c.up + 1)
        .join(chain, Comment.id == chain.c.parent_id)
        .where(chain.c.up < limit)
    )
    return db.session.execute(select(chain).order_by(chain.c.up)).all()


def _attach_point(ancestors, max_depth):
    """Where a reply to ancestors[0] goes: it, or the deepest ancestor that keeps the
    reply within max_depth levels of nesting (top-level comments are level 0)."""
    depth = len(ancestors)  # the new reply's level
    if max_depth is None or depth <= max_depth:
        return ancestors[0].id
    if max_depth <= 0:
        return None
    return ancestors[depth - max_depth].id


def closed_reason(site, thread):
    """Why the thread takes no new comments (the site's or the thread's choice), or None."""
    if not site.comments_open:
        return _("Comments are closed on this site.")
    if thread is not None and thread.closed:
        return _("Comments are closed on this thread.")
    return None


def bump_version(thread_id, approved_added=None):
    """Invalidate every cached rendering of the thread (call before the commit)."""
    bump_versions([thread_id], approved_added)


def bump_versions(thread_ids, approved_added=None):
    """The threads changed: their next version (the key of every cached page) and their
    approved comments counted again, in the transaction that changed them.

    A caller that knows exactly how the approved comments changed (a new comment: one
    more, or none while it awaits moderation) gives approved_added instead: counting a
    thread again reads all its comments, on every post into a big thread."""
    thread_ids = sorted(set(thread_ids))
    purge_threads(thread_ids)  # the shared cache's copies, once the transaction commits
    statement = _RECOUNT if approved_added is None else _COUNT_ADDED
    for start in range(0, len(thread_ids), 500):
        db.session.execute(statement, {"ids": thread_ids[start:start + 500],
                                       "added": approved_added or 0})
    # A plain-table statement (built once: on the path of every write) leaves the
    # session's copies alone: what they held of these columns is read again if asked.
    for thread_id in thread_ids:
        loaded = db.session.identity_map.get(db.session.identity_key(Thread, thread_id))
        if loaded is not None:
            db.session.expire(loaded, ["version", "approved_count"])


def bump_site_versions(site_id):
    """Every thread page of the site looks different now (its settings changed)."""
    purge_sites([site_id])
    db.session.execute(update(Thread).where(Thread.site_id == site_id)
                       .values(version=Thread.version + 1))


_THREADS = Thread.__table__.c
_APPROVED_IN_THREAD = (
    select(func.count())
    .where(Comment.__table__.c.thread_id == _THREADS.id,
           Comment.__table__.c.status == CommentStatus.APPROVED)
    .scalar_subquery()
)
_BUMPED = update(Thread.__table__).where(_THREADS.id.in_(bindparam("ids", expanding=True)))
_RECOUNT = _BUMPED.values(version=_THREADS.version + 1, approved_count=_APPROVED_IN_THREAD)
_COUNT_ADDED = _BUMPED.values(version=_THREADS.version + 1,
                              approved_count=_THREADS.approved_count + bindparam("added"))


def initial_status(site, email, except_comment_id=None, account_id=None):
    """Apply the site's moderation mode to a new (or edited) comment.

    An edited comment does not vouch for itself: under "first" and "trusted" moderation
    its author is known only through other approved comments, so a first comment
    approved and then edited to carry links goes back to the queue.
    """
    if site.moderation == ModerationMode.ALL:
        return CommentStatus.PENDING
    if site.moderation == ModerationMode.TRUSTED:
        if account_id is None:  # only signed-in members can earn trust
            return CommentStatus.PENDING
        approved = db.session.scalar(select(func.count()).where(
            Comment.account_id == account_id, Comment.status == CommentStatus.APPROVED,
            Comment.id != (except_comment_id or 0)))
        return CommentStatus.APPROVED if approved >= site.trusted_after else CommentStatus.PENDING
    if site.moderation == ModerationMode.FIRST:
        known = email and db.session.scalar(
            select(
                exists().where(
                    Comment.email == email,
                    Comment.status == CommentStatus.APPROVED,
                    Comment.id != (except_comment_id or 0),
                    Comment.thread_id.in_(select(Thread.id).where(Thread.site_id == site.id)),
                )
            )
        )
        return CommentStatus.APPROVED if known else CommentStatus.PENDING
    return CommentStatus.APPROVED


SITE_KEY = re.compile(r"[A-Za-z0-9_-]{1,32}")  # keys made by new_site_key, or older ones


def find_site_and_thread(key, normalized_url):
    """(site, thread) in one query: (None, None) for an unknown key, (site, None) for an
    article without a thread yet or an unusable URL (None)."""
    if not SITE_KEY.fullmatch(key or ""):
        return None, None
    if normalized_url is None:
        return find_site(key), None
    row = db.session.execute(_SITE_AND_THREAD, {"key": key, "url": normalized_url}).first()
    return (row[0], row[1]) if row else (None, None)


def page_state(key, normalized_url):
    """Everything about the site and thread that a thread page is made from, as one plain
    row (no ORM objects): enough to tell whether a reader's copy is still current. None
    for an unknown site."""
    if not SITE_KEY.fullmatch(key or ""):
        return None
    # A connection of its own, outside the ORM session: on the path of every revalidation.
    return on_own_connection(lambda connection: connection.execute(
        _PAGE_STATE, {"key": key, "url": normalized_url}).first())


def _site_and_its_thread(*columns):
    """Built once per statement: on the hot path of every thread page, building a statement
    costs more than running it."""
    return (
        select(*columns)
        .outerjoin(Thread, (Thread.site_id == Site.id) & (Thread.url == bindparam("url")))
        .where(Site.key == bindparam("key"))
    )


_PAGE_STATE = _site_and_its_thread(
    Site.id, Site.comments_open, Site.likes_enabled, Site.default_language, Site.custom_css,
    Site.allowed_origins, Site.max_comment_length, Site.moderation,
    # Who may comment and how they sign in: the form differs (also before a thread exists).
    Site.commenters, Site.login_providers,
    Thread.id, Thread.version, Thread.closed,
)
_SITE_AND_THREAD = _site_and_its_thread(Site, Thread)


def find_site(key):
    """The site with this key; None for anything that cannot be a key (PostgreSQL
    refuses some strings outright, such as ones with NUL)."""
    if not SITE_KEY.fullmatch(key or ""):
        return None
    return db.session.scalar(select(Site).where(Site.key == key))
