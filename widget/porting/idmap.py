"""The import's maps from source ids to our comment ids, in a temporary SQLite database,
so that memory stays flat however many comments a file holds.

A writer needs, for every comment of the file, its dedupe key (to add nothing twice), the
id it got (to give replies their parent) and its parent (to refuse reply loops). Kept in
dicts, a 1,000,000-comment export needed some 450 MB for them alone; here they live in a
private SQLite file that SQLite deletes when the map is closed, with a small page cache.
Nothing is ever committed: with no journal, writes cost no more than the cache spills.
"""

import sqlite3

# The cache fills once the maps outgrow it (a quarter into a 1,000,000-comment file) and
# then stays: with 16 MB that import peaked at 198 MB on PostgreSQL, with 4 MB at 184.
# Pages it misses are re-read from the operating system's file cache, which the
# process's memory does not count (BENCHMARKS.md, "Memory flat in the file's size").
PAGE_CACHE_KIB = 4 * 1024
SCHEMA = (
    # dedupe key -> our comment id (NULL while the comment waits in a batch)
    "CREATE TABLE comment_key (key TEXT PRIMARY KEY, comment_id INTEGER) WITHOUT ROWID",
    # the source's (thread id, comment id) -> dedupe key: how a reply names its parent
    "CREATE TABLE source_ref (ref TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID",
    # our comment id -> our parent id, for this import's replies
    "CREATE TABLE parent (comment_id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL)",
)


def source_ref(thread_source_id, comment_source_id):
    """One text for the pair (the unit separator appears in no id a source writes)."""
    return f"{thread_source_id}\x1f{comment_source_id}"


class IdMap:
    def __init__(self):
        # "": a private temporary database on disk, deleted on close
        self._db = sqlite3.connect("")
        self._db.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        for statement in SCHEMA:
            self._db.execute(statement)

    def close(self):
        self._db.close()

    # Dedupe keys and comment ids

    def has_key(self, key):
        return self._db.execute("SELECT 1 FROM comment_key WHERE key = ?", (key,)).fetchone() is not None

    def reserve(self, key):
        """The comment of this key is on its way (inserted with its batch)."""
        self._db.execute("INSERT INTO comment_key (key) VALUES (?)", (key,))

    def store_ids(self, pairs):
        """[(key, comment id)]: comments inserted, or found in the database."""
        self._db.executemany("INSERT OR REPLACE INTO comment_key (key, comment_id) VALUES (?, ?)",
                             pairs)

    def comment_id(self, key):
        row = self._db.execute("SELECT comment_id FROM comment_key WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # Source references

    def name(self, ref, key):
        """The source's (thread, comment) pair `ref` is the comment of `key`."""
        self._db.execute("INSERT OR REPLACE INTO source_ref (ref, key) VALUES (?, ?)", (ref, key))

    def resolve(self, ref):
        """Our id of the comment the source calls `ref`, if it is stored already."""
        row = self._db.execute(
            "SELECT comment_key.comment_id FROM source_ref JOIN comment_key USING (key) "
            "WHERE source_ref.ref = ?", (ref,)).fetchone()
        return row[0] if row else None

    # Parents

    def store_parents(self, pairs):
        """[(comment id, parent id)] of this import's replies."""
        self._db.executemany("INSERT OR REPLACE INTO parent (comment_id, parent_id) VALUES (?, ?)",
                             pairs)

    def parent_of(self, comment_id):
        row = self._db.execute("SELECT parent_id FROM parent WHERE comment_id = ?",
                               (comment_id,)).fetchone()
        return row[0] if row else None
