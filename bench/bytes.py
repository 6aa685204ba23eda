"""Bytes a reader downloads on a thread's first load: the loader, the thread page, its CSS
and its script, raw and gzipped, for a seeded thread.

    .venv/bin/python bench/bytes.py [--comments 200]

Everything is fetched through the app itself (Flask's test client: the same bytes a
server sends) from a throwaway SQLite database; gzip at level 6, a common server default.
"""

import argparse
import gzip
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from widget import create_app  # noqa: E402
from widget.extensions import db  # noqa: E402
from widget.markup import render_comment  # noqa: E402
from widget.models import Comment, Thread  # noqa: E402
from widget.sites import create_site  # noqa: E402

ARTICLE = "https://blog.example.com/posts/a-long-discussion"
SENTENCES = [
    "I tried this on my own setup and it worked after a small change to the config.",
    "Could you say more about *why* the second approach is faster?",
    "See the [release notes](https://example.org/notes) for the details.",
    "Agreed. The `--workers` flag made the biggest difference for me.",
    "> quoting the article here\n\nThis is the part I found most useful.",
]


def seed_thread(comments):
    """A site and one thread of `comments` comments, about a third of them replies."""
    site = create_site("Bench", ["https://blog.example.com"])
    thread = Thread(site_id=site.id, url=ARTICLE, title="A long discussion")
    db.session.add(thread)
    db.session.flush()
    ids = []
    for index in range(comments):
        text = " ".join(SENTENCES[(index + offset) % len(SENTENCES)] for offset in range(2))
        parent_id = ids[index // 3] if index > 2 and index % 3 == 0 else None
        comment = Comment(thread_id=thread.id, parent_id=parent_id, author=f"Reader {index}",
                          text=text, html=render_comment(text))
        db.session.add(comment)
        db.session.flush()
        ids.append(comment.id)
    db.session.commit()
    return site


def measure(comments=200):
    """[(what, raw bytes, gzipped bytes)] for the four requests of a first load."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
                          "SECRET_KEY": "bench-" + "x" * 26}, instance_path=folder)
        with app.app_context():
            upgrade()
            site = seed_thread(comments)
            client = app.test_client()
            page = client.get(f"/t/{site.key}", query_string={
                "url": ARTICLE, "origin": "https://blog.example.com", "title": "A long discussion"})
            assert page.status_code == 200, page.status_code
            stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text).group(1)
            script = re.search(r'<script src="([^"]+)"', page.text).group(1)
            parts = [("embed.js", client.get("/embed.js")), ("thread page", page),
                     ("thread CSS", client.get(stylesheet)), ("thread script", client.get(script))]
            sizes = []
            for name, response in parts:
                sizes.append((name, response.get_data()))
                response.close()
            db.session.remove()
            db.engine.dispose()
    return [(name, len(body), len(gzip.compress(body, 6))) for name, body in sizes]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=200, help="comments in the thread")
    options = parser.parse_args(argv)
    rows = measure(options.comments)
    print(f"First load of a {options.comments}-comment thread ({len(rows)} requests after the host page)")
    print(f"{'':16}{'raw':>10}{'gzip -6':>10}")
    for name, raw, compressed in rows:
        print(f"{name:16}{raw:>10,}{compressed:>10,}")
    print(f"{'total':16}{sum(r[1] for r in rows):>10,}{sum(r[2] for r in rows):>10,}")


if __name__ == "__main__":
    main()
