"""The bench's threads: the same deterministic comments for us (through the models) and
for Isso (through its API, see peer_isso.py).

A thread of N comments: about a third top-level, the others replies to a random earlier
comment; each a Markdown text of one to three sentences by one of a pool of distinct
authors, some of whom give an email. The same size always gives the same thread.
"""

import io
import random
import secrets
import sys
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import create_engine, text

ORIGIN = "http://bench.example"
SIZES = (10, 200, 1_000, 5_000)
SMALL_THREADS = 20  # three comments each: hits among the counts request's 50 URLs
COUNTS_URLS = 50

FIRST_NAMES = ["Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Femi", "Greta", "Hiro", "Ines",
               "Jonas", "Kaveh", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin",
               "Rosa", "Sami", "Tove", "Umar", "Vera", "Wen", "Xavier", "Yara", "Zoltan"]
LAST_NAMES = ["Abebe", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
              "Ito", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor",
              "Petrov", "Quispe", "Rossi", "Silva", "Tanaka", "Umarov", "Varga", "Weber"]
OPENINGS = ["I tried this on my own server", "Thanks for writing this up",
            "We ran into the same problem last year", "Interesting point about caching",
            "Not sure I agree with the second part", "This matches what I measured",
            "Great article", "One small correction", "Has anyone tried it on a Raspberry Pi",
            "The benchmark section was the most useful part for me"]
MIDDLES = ["and the *first* approach was noticeably faster",
           "but the `--workers` flag made the biggest difference",
           "and the [release notes](https://example.org/notes) explain why",
           "although **SQLite** handled it better than I expected",
           "so I ended up writing a small script around it",
           "but the numbers changed a lot after a reboot",
           "and the docs at https://docs.example.org/setup helped",
           "which is why we pinned the version in `requirements.txt`",
           "and it took about **ten minutes** in total",
           "but only after I cleared the cache"]
ENDINGS = [".", "!", "?", ". Thanks again.", ", in my experience."]
QUOTES = ["> the second approach is faster", "> caching is the hard part",
          "> measure before you change anything"]


@dataclass(frozen=True)
class SeedComment:
    author: str
    email: str | None
    text: str
    parent: int | None  # index of an earlier comment of the same thread, or None


def sentence(rng):
    return f"{rng.choice(OPENINGS)}, {rng.choice(MIDDLES)}{rng.choice(ENDINGS)}"


def comment_text(rng):
    """One to three sentences; now and then a quote or a second paragraph."""
    sentences = [sentence(rng) for _ in range(rng.randint(1, 3))]
    if len(sentences) > 1 and rng.random() < 0.15:
        return f"{rng.choice(QUOTES)}\n\n" + " ".join(sentences)
    if len(sentences) == 3 and rng.random() < 0.3:
        return " ".join(sentences[:2]) + "\n\n" + sentences[2]
    return " ".join(sentences)


def authors(rng, count):
    """`count` distinct people; about 40 % give an email."""
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    chosen = []
    for index in range(count):
        name = names[index % len(names)] + ("" if index < len(names) else f" {index // len(names)}")
        email = f"{name.lower().replace(' ', '.')}@mail.example" if rng.random() < 0.4 else None
        chosen.append((name, email))
    return chosen


def generate_thread(size, seed=None):
    """The thread of `size` comments, the same on every run."""
    rng = random.Random(f"bench-thread-{size}" if seed is None else seed)
    people = authors(rng, max(3, min(size // 3, 500)))
    comments = []
    for index in range(size):
        parent = None if index == 0 or rng.random() < 1 / 3 else rng.randrange(index)
        author, email = rng.choice(people)
        comments.append(SeedComment(author, email, comment_text(rng), parent))
    return comments


def article_path(size):
    return f"/posts/thread-{size}"


def small_path(number):
    return f"/posts/short-{number}"


def counts_paths():
    """The 50 article paths of the counts request: the seeded threads, then some without."""
    paths = [article_path(size) for size in SIZES] + [small_path(n) for n in range(SMALL_THREADS)]
    paths += [f"/posts/quiet-{n}" for n in range(COUNTS_URLS - len(paths))]
    return paths[:COUNTS_URLS]


def seed_widget(database_url, sizes=SIZES, small_threads=SMALL_THREADS, max_depth=10):
    """Migrate the database, then one site with a thread per size (and small ones):
    returns the site key. Runs in this process, straight through the models."""
    from flask_migrate import upgrade

    from widget import create_app
    from widget.extensions import db
    from widget.models import utcnow
    from widget.sites import create_site

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secrets.token_hex(16),
                      "MAIL_WORKER": False})
    with app.app_context():
        migration_log = io.StringIO()  # alembic's INFO lines, shown only if it fails
        try:
            with redirect_stderr(migration_log):
                upgrade()
        except Exception:
            sys.stderr.write(migration_log.getvalue())
            raise
        site = create_site("Bench", [ORIGIN])
        start = utcnow() - timedelta(days=30)
        for size in sizes:
            insert_thread(site, article_path(size), generate_thread(size), start, max_depth)
        for number in range(small_threads):
            insert_thread(site, small_path(number), generate_thread(3, seed=f"small-{number}"),
                          start, max_depth)
        key = site.key
        db.session.remove()
        db.engine.dispose()
    return key


def insert_thread(site, path, comments, start, max_depth):
    """One thread, as post_comment would leave it: a reply deeper than max_depth hangs
    under its deepest allowed ancestor and keeps the comment it answers in reply_to_id."""
    from widget.extensions import db
    from widget.markup import render_comment
    from widget.models import Comment, Thread

    thread = Thread(site_id=site.id, url=ORIGIN + path, title=f"Bench thread {path}",
                    version=len(comments) + 1, approved_count=len(comments))
    db.session.add(thread)
    db.session.flush()
    ids, chains = [], []  # chains[i]: ids from comment i's root down to comment i
    for index, seeded in enumerate(comments):
        chain = chains[seeded.parent] if seeded.parent is not None else []
        attach = chain[min(len(chain), max_depth) - 1] if chain else None
        comment = Comment(thread_id=thread.id, parent_id=attach,
                          reply_to_id=ids[seeded.parent] if seeded.parent is not None else None,
                          author=seeded.author, email=seeded.email, text=seeded.text,
                          html=render_comment(seeded.text),
                          created_at=start + timedelta(minutes=index))
        db.session.add(comment)
        db.session.flush()
        ids.append(comment.id)
        cut = chain[:max_depth] if attach is not None and len(chain) > max_depth else chain
        chains.append(cut + [comment.id])
    db.session.commit()


@contextmanager
def postgresql_schema(base_url):
    """A private schema on the PostgreSQL server `base_url` names, dropped afterwards:
    yields the URL that puts it first on the search path."""
    schema = f"bench_{secrets.token_hex(4)}"
    engine = create_engine(base_url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}', safe='')}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
