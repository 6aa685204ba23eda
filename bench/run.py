"""`make bench`: seed threads of 10 to 5,000 comments, serve them with gunicorn, measure
with wrk beside Isso 0.14, print a table against issue 9's targets and write
bench/results/latest.json.

    .venv/bin/python -m bench.run [--seconds 10] [--quick] [--no-isso] [--no-postgresql]
    .venv/bin/python -m bench.run --report bench/results/latest.json   # the tables again

SQLite always; PostgreSQL too when WIDGET_TEST_DATABASE_URL names a server (in a private
schema, dropped afterwards). Loopback only, each wrk run bounded by --seconds
(BENCH_SECONDS); the whole run takes a few minutes, most of it seeding Isso through its API.
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import shlex
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import ours, peer_isso, report, shared_cache, wrk
from .seed import SIZES, SMALL_THREADS, postgresql_schema, seed_widget
from .server import WORKER_OPTIONS

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "latest.json"
QUICK_SIZES = (10, 200)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=None,
                        help="length of each wrk run (default: BENCH_SECONDS, else 1 with --quick, else 10)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 1 s runs, threads of 10 and 200 only, no Isso")
    parser.add_argument("--sizes", type=lambda text: tuple(int(n) for n in text.split(",")),
                        default=None, help="thread sizes, e.g. 10,200 (default 10,200,1000,5000)")
    parser.add_argument("--isso", action=argparse.BooleanOptionalAction, default=None,
                        help="measure Isso too (default: yes, except with --quick)")
    parser.add_argument("--postgresql", action=argparse.BooleanOptionalAction, default=True,
                        help="also over PostgreSQL when WIDGET_TEST_DATABASE_URL is set (default: yes)")
    parser.add_argument("--shared-cache", action=argparse.BooleanOptionalAction, default=True,
                        help="also the 200-comment page through Varnish (docs/varnish.vcl) "
                             "against the origin alone, when varnishd is installed (default: yes)")
    parser.add_argument("--json", type=Path, default=RESULTS, help=f"where to write the numbers ({RESULTS})")
    parser.add_argument("--report", type=Path, metavar="JSON",
                        help="only print the tables of an earlier run's JSON, e.g. bench/results/latest.json")
    options = parser.parse_args(argv)
    if options.seconds is None:
        from_env = os.environ.get("BENCH_SECONDS")
        options.seconds = int(from_env) if from_env else 1 if options.quick else 10
    if options.sizes is None:
        options.sizes = QUICK_SIZES if options.quick else SIZES
    if options.isso is None:
        options.isso = not options.quick
    options.argv = list(sys.argv[1:] if argv is None else argv)
    return options


def log(message):
    print(message, flush=True)


def machine_facts():
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "load_before": load_average()}


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def commit():
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=HERE,
                               text=True, capture_output=True).stdout.strip()
        return head + (" with local changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "?"


def versions():
    found = subprocess.run([wrk.WRK, "-v"], capture_output=True, text=True)
    wrk_version = (found.stdout + found.stderr).split("[")[0].replace("wrk", "").strip()
    return (f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
            f"gunicorn {importlib.metadata.version('gunicorn')}, wrk {wrk_version}")


def bench_backend(name, database_url, options, folder, with_bytes):
    log(f"\n== Ours over {report.BACKEND_NAMES[name]} ==")
    started = time.monotonic()
    site_key = seed_widget(database_url, options.sizes)
    log(f"  seeded {sum(options.sizes):,} comments in {len(options.sizes)} threads "
        f"(and {SMALL_THREADS} small ones) in {time.monotonic() - started:.1f} s")
    with ours.gunicorn_for(database_url, Path(folder) / f"gunicorn-{name}.log") as server:
        log(f"  gunicorn on {server.url}, workers {server.worker_pids()}")
        results = ours.measure(server, site_key, database_url, options.seconds, options.sizes,
                               small_threads=SMALL_THREADS, with_bytes=with_bytes, log=log)
    if options.shared_cache and shared_cache.SIZE in options.sizes:
        results["shared_cache"] = shared_cache.measure(database_url, site_key, options.seconds,
                                                       folder, log=log)
    return results


def bench_isso(options, folder):
    log(f"\n== Isso {peer_isso.ISSO_VERSION} over SQLite ==")
    isso_folder = Path(folder) / "isso"
    isso_folder.mkdir()
    with peer_isso.gunicorn_for(isso_folder, isso_folder / "gunicorn.log") as server:
        log(f"  gunicorn on {server.url}; posting the same threads through POST /new")
        seeding = peer_isso.seed(server.url, options.sizes, log=log)
        return seeding, peer_isso.measure(server, options.sizes, options.seconds, log=log)


def notes_for(results):
    notes = []
    for name, backend in results["ours"].items():
        label = report.BACKEND_NAMES[name]
        if (backend.get("revalidation") or {}).get("error"):
            notes.append(f"{label}: no 304 measured: {backend['revalidation']['error']}.")
        posting = backend.get("posting") or {}
        if posting and not posting.get("matches"):
            notes.append(f"{label}: posting: {posting.get('created_201')} answers 201 of "
                         f"{posting.get('requests')}, {posting.get('stored')} comments stored "
                         f"({posting.get('unanswered_at_stop')} unanswered when wrk stopped): "
                         f"they should agree.")
        elif posting:
            notes.append(f"{label}: posting: every answer was 201 and the database holds one new "
                         f"comment per 201, plus {posting.get('unanswered_at_stop')} for the request "
                         f"in flight when wrk stopped (it does not wait for that answer).")
        for size, page in backend.get("thread_pages", {}).items():
            if page.get("non_2xx_3xx") or any(page.get("socket_errors", {}).values()):
                notes.append(f"{label}: thread of {size}: {page.get('non_2xx_3xx')} errors, "
                             f"socket errors {page.get('socket_errors')}.")
        if (backend.get("counts") or {}).get("wrong_counts"):
            notes.append(f"{label}: counts answered wrong numbers: {backend['counts']['wrong_counts']}.")
    measured = [(report.BACKEND_NAMES[name], backend) for name, backend in results["ours"].items()]
    if results.get("isso"):
        measured.append(("Isso", results["isso"]))
    for label, backend in measured:
        for size, page in backend.get("thread_pages", {}).items():
            if page.get("p50_ms") is None and page.get("single_request_ms"):
                notes.append(f"{label}: thread of {size:,}: no answer within the "
                             f"{results['settings']['seconds']} s run; one request alone took "
                             f"{page.get('single_request_ms', 0):,.0f} ms (shown instead of the p50"
                             + ("; ours/Isso estimated with Isso answering one request per worker "
                                "in that time)" if label == "Isso" else ")") + ".")
    return notes


def command_line(options):
    """How this run was started, to repeat it."""
    seconds = os.environ.get("BENCH_SECONDS")
    if os.environ.get("MAKELEVEL"):
        words = ["make", "bench"] + ([f"BENCH_SECONDS={seconds}"] if seconds else [])
        if options.argv:
            words.append(f"BENCH_ARGS={shlex.join(options.argv)}")
        return shlex.join(words)
    prefix = f"BENCH_SECONDS={seconds} " if seconds else ""
    return prefix + shlex.join([".venv/bin/python", "-m", "bench.run", *options.argv])


def load_results(path):
    """An earlier run's numbers, with the thread sizes as numbers again (JSON made them text)."""
    results = json.loads(Path(path).read_text())
    for backend in [*results["ours"].values(), results.get("isso") or {}]:
        if "thread_pages" in backend:
            backend["thread_pages"] = {int(size): page for size, page in backend["thread_pages"].items()}
    return results


def main(argv=None):
    options = parse_args(argv)
    if options.report:
        print(report.render(load_results(options.report)), end="")
        return None
    if not Path(wrk.WRK).exists():
        sys.exit(f"{wrk.WRK} is missing: install Debian's wrk (apt-get install wrk)")
    machine = machine_facts()
    log(f"Bench: wrk -t2 -c4 -d{options.seconds}s, threads of {', '.join(f'{s:,}' for s in options.sizes)} "
        f"comments; rate limits are OFF for the bench "
        f"({', '.join(f'{k}={v}' for k, v in ours.BENCH_SETTINGS.items())})")
    results = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": command_line(options),
        "commit": commit(),
        "machine": machine,
        "settings": {"seconds": options.seconds, "sizes": list(options.sizes), "workers": 2,
                     "warmup": ours.WARMUP_SECONDS, "worker_options": list(WORKER_OPTIONS),
                     "wrk_threads": 2, "wrk_connections": 4, "versions": versions(),
                     "bench_settings": ", ".join(f"{k}={v}" for k, v in ours.BENCH_SETTINGS.items())},
        "ours": {}, "isso": None, "notes": [],
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        results["ours"]["sqlite"] = bench_backend(
            "sqlite", f"sqlite:///{folder}/bench.sqlite", options, folder, with_bytes=True)
        pg_url = os.environ.get("WIDGET_TEST_DATABASE_URL")
        if pg_url and options.postgresql:
            with postgresql_schema(pg_url) as url:
                results["ours"]["postgresql"] = bench_backend("postgresql", url, options, folder,
                                                              with_bytes=False)
        if options.isso:
            try:
                results["isso_seeding"], results["isso"] = bench_isso(options, folder)
            except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
                results["notes"].append(f"Isso was not measured: {error}")
                log(f"  Isso was not measured: {error}")
    machine["load_after"] = load_average()
    results["targets"] = report.targets(results)
    results["notes"] += notes_for(results)
    text = report.render(results)
    print("\n" + text)
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"Numbers written to {options.json}")
    return results


if __name__ == "__main__":
    main()
