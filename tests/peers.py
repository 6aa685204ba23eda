"""Export files as other projects keep them (../shared/fixtures/import/peers/, see its
SOURCES.md), and files shaped like real ones built from them, for the import tests."""

import gzip
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

PEERS = Path(__file__).resolve().parent.parent.parent / "shared" / "fixtures" / "import" / "peers"
ISSO_DB = Path(__file__).parent / "fixtures" / "isso.db"

# As Isso's own Disqus migrator stores a comment: the Disqus message HTML, unchanged.
ISSO_HTML_TEXT = ('<p>Greetings, fellow reader.</p><p>See <a href="https://example.org/a" '
                  'rel="nofollow">this <b>post</b></a> &amp; more.</p>')
NON_ASCII_PATH = "/2017/01/24/关于2016的一些思考/"


def peer(name):
    return PEERS / name


def isso_db_with_html(tmp_path):
    """Isso's database (made by Isso itself) plus what a real one in use holds: comments
    migrated from Disqus as HTML, a thread on a non-ASCII path, and likes."""
    path = tmp_path / "comments.db"
    shutil.copyfile(ISSO_DB, path)
    with closing(sqlite3.connect(path)) as isso, isso:
        isso.execute("INSERT INTO threads (id, uri, title) VALUES (3, ?, ?)",
                     (NON_ASCII_PATH, "关于2016的一些思考"))
        voters = isso.execute("SELECT voters FROM comments LIMIT 1").fetchone()[0]
        isso.execute(
            "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text,"
            " author, email, website, likes, dislikes, voters) VALUES"
            " (3, 8, NULL, 1485216000.5, NULL, 1, '203.0.113.0', ?, 'Mei', NULL, NULL, 3, 1, ?),"
            " (3, 9, 8, 1485219600.0, NULL, 1, '203.0.113.0', ?, 'Li', NULL, NULL, 0, 0, ?)",
            (ISSO_HTML_TEXT, voters, "Plain *Markdown* reply", voters))
    return path


def gzipped(path, tmp_path):
    """The file as Disqus mails it: gzip-compressed, named .xml.gz."""
    target = tmp_path / (path.name + ".gz")
    target.write_bytes(gzip.compress(path.read_bytes()))
    return target


def with_quoted_attribute(name, tmp_path):
    """A remark42 test file with its one unquoted attribute quoted (and its stray backtick
    kept): the file a site owner has after fixing what the refusal points at."""
    text = peer(name).read_text(encoding="utf-8")
    assert text.count("dsq:id=247937687/>") == 1
    target = tmp_path / name
    target.write_text(text.replace("dsq:id=247937687/>", 'dsq:id="247937687"/>'), encoding="utf-8")
    return target


def edited(name, tmp_path, *replacements):
    """A peer file with (old, new) replacements, each of which must apply."""
    text = peer(name).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    target = tmp_path / name
    target.write_text(text, encoding="utf-8")
    return target


CJK_COMMENT = "木有我的.com，哈哈。详见www.example.com"


def wxr_with_cjk_comment(tmp_path):
    """WordPress 6.9's export with its public comment written in Chinese."""
    return edited("wpimporter-wxr-with-note-comments.xml", tmp_path,
                  ("Comment on post Page with notes and comments", CJK_COMMENT))
