"""Import a big generated Disqus export and print the time and peak memory it took.

Usage: python bench/import_big.py [N]   (default 100,000 comments; `make bench-import`)

Generates bench/out/disqus-N.xml once (bench/gen_disqus.py), imports it into a fresh
SQLite database (or into WIDGET_DATABASE_URL when set: it must be empty and migrated is
not required, `db upgrade` runs first) through the same run_import the command uses, and
prints wall time and the peak resident memory of this process (resource.getrusage).
The issue's target: under 60 s and under 200 MB for 100,000 comments on a 2-core machine.
"""

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from gen_disqus import write_export  # noqa: E402

from widget import create_app  # noqa: E402
from widget.extensions import db  # noqa: E402
from widget.models import Comment  # noqa: E402
from widget.porting.service import run_import  # noqa: E402
from widget.sites import create_site  # noqa: E402


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def export_file(count):
    path = HERE / "out" / f"disqus-{count}.xml"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            write_export(count, out)
    return path


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    path = export_file(count)
    instance = tempfile.mkdtemp(prefix="widget-bench-")
    database_url = os.environ.get("WIDGET_DATABASE_URL") or f"sqlite:///{instance}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-" + "x" * 26},
                     instance_path=instance)
    with app.app_context():
        upgrade()
        site = create_site("Bench", ["https://blog.example.com"])
        baseline = peak_rss_mb()
        started = time.perf_counter()
        with open(path, "rb") as fileobj:
            report = run_import("disqus", fileobj, site)
        seconds = time.perf_counter() - started
        stored = db.session.scalar(select(func.count(Comment.id)))
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB, {count:,} comments")
    print(f"database: {database_url.split('://')[0]}")
    print(f"imported: {report.comments_added:,} comments ({stored:,} stored) in "
          f"{report.threads_created:,} threads; skipped {len(report.skipped)}")
    print(f"time: {seconds:.1f} s")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before the import: {baseline:.0f} MB)")


if __name__ == "__main__":
    main()
