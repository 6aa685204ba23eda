"""Import a big generated Disqus export and print the time and peak memory it took.

Usage: python bench/import_big.py [N]   (default 100,000 comments; `make bench-import`)

Generates bench/out/disqus-N.xml once (bench/gen_disqus.py), imports it into a fresh
SQLite database (or into the database WIDGET_DATABASE_URL names; `db upgrade` runs
first) through the same run_import the command uses, with JOBS sanitizing processes
(default: one per CPU, as the command), and prints the wall time, the CPU time of this
process and of the sanitizing processes, and their peak resident memory (getrusage for
this process, /proc for the workers). The issue's target: under 60 s and under 200 MB
for 100,000 comments on a 2-core machine. The CPU seconds matter when the machine is
shared: the wall time then depends on what else runs.
"""

import os
import resource
import sys
import tempfile
import threading
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


class DescendantWatcher(threading.Thread):
    """Samples this process's descendants once a second (the sanitizing workers are
    children of a forkserver, so RUSAGE_CHILDREN misses them): peak RSS, CPU seconds."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_rss_kb = {}
        self.peak_pss_kb = {}  # RSS counts pages shared with the forkserver in each worker
        self.cpu_ticks = {}
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(1.0):
            self.sample()

    def sample(self):
        for pid in self.descendants():
            try:
                stat = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
                status = (Path("/proc") / str(pid) / "status").read_text()
                rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text()
            except OSError:
                continue
            pss = next(line for line in rollup.splitlines() if line.startswith("Pss:"))
            self.peak_pss_kb[pid] = max(self.peak_pss_kb.get(pid, 0), int(pss.split()[1]))
            self.cpu_ticks[pid] = int(stat[11]) + int(stat[12])
            high_water = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
            self.peak_rss_kb[pid] = max(self.peak_rss_kb.get(pid, 0), int(high_water.split()[1]))

    @staticmethod
    def descendants():
        children = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                children.setdefault(parent, []).append(int(entry.name))
        found, stack = [], list(children.get(os.getpid(), []))
        while stack:
            pid = stack.pop()
            found.append(pid)
            stack.extend(children.get(pid, []))
        return found

    def stop(self):
        self.stopped.set()
        self.join()
        return (max(self.peak_rss_kb.values(), default=0) / 1024,
                sum(self.peak_pss_kb.values()) / 1024,
                sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK"))


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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
    workers = int(os.environ.get("JOBS", os.cpu_count() or 1))
    path = export_file(count)
    instance = tempfile.mkdtemp(prefix="widget-bench-")
    database_url = os.environ.get("WIDGET_DATABASE_URL") or f"sqlite:///{instance}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-" + "x" * 26},
                     instance_path=instance)
    with app.app_context():
        upgrade()
        site = create_site("Bench", ["https://blog.example.com"])
        baseline = peak_rss_mb()
        watcher = DescendantWatcher()
        watcher.start()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        with open(path, "rb") as fileobj:
            report = run_import("disqus", fileobj, site, workers=workers)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
        worker_rss, workers_pss, worker_cpu = watcher.stop()
        stored = db.session.scalar(select(func.count(Comment.id)))
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB, {count:,} comments")
    print(f"database: {database_url.split('://')[0]}")
    print(f"imported: {report.comments_added:,} comments ({stored:,} stored) in "
          f"{report.threads_created:,} threads; skipped {len(report.skipped)}")
    print(f"time: {seconds:.1f} s wall; CPU: {cpu:.1f} s this process + {worker_cpu:.1f} s "
          f"sanitizing processes ({workers if workers > 1 else 'none'}); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak RSS: {peak_rss_mb():.0f} MB this process (before the import: {baseline:.0f} MB)"
          + (f"; sanitizing processes: {worker_rss:.0f} MB RSS the largest, {workers_pss:.0f} MB "
             "PSS all together (forkserver included)" if workers > 1 else ""))

if __name__ == "__main__":
    main()
