"""The write-path part of `make bench` alone: posting back to back (one client) and ETag
revalidation of the 200-comment page, on SQLite and (with WIDGET_TEST_DATABASE_URL) on
PostgreSQL, with the very measurements bench.run makes (ours.posting, ours.revalidation).

    .venv/bin/python -m bench.writes [--seconds 10] [--repeat 3] [--no-postgresql]
    .venv/bin/python -m bench.writes --baseline /tmp/main-checkout   # before and after
    .venv/bin/python -m bench.writes --env WIDGET_DATABASE_SYNCHRONOUS_COMMIT=off

With --baseline, a second gunicorn serves the app from another checkout (e.g. `git
worktree add /tmp/main-checkout main`) over a database of its own, seeded alike, and
the runs alternate between the two: on a shared machine whose load drifts from one
minute to the next, only runs side by side compare. The schema must be the same.
"""

import argparse
import os
import secrets
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from . import ours
from .run import load_average, log
from .seed import postgresql_schema, seed_widget
from .server import Gunicorn

REVALIDATED_SIZE = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--postgresql", action=argparse.BooleanOptionalAction, default=True,
                        help="also over PostgreSQL when WIDGET_TEST_DATABASE_URL is set")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--env", action="append", default=[], metavar="WIDGET_NAME=VALUE",
                        help="a setting for the servers (both), e.g. "
                             "WIDGET_DATABASE_SYNCHRONOUS_COMMIT=off; say so with the numbers")
    return parser.parse_args(argv)


def serve(label, checkout, database_url, log_path, settings=()):
    """gunicorn serving wsgi:app from `checkout` (the bench's settings, a fresh secret)."""
    env = {"WIDGET_DATABASE_URL": database_url, "WIDGET_SECRET_KEY": secrets.token_hex(32),
           **ours.BENCH_SETTINGS, **dict(setting.split("=", 1) for setting in settings)}
    return Gunicorn(Path(sys.executable).parent / "gunicorn", "wsgi:app", env, checkout,
                    log_path, workers=2)


def bench_backend(name, database_urls, options, folder):
    """database_urls: {label: url}, one per checkout (label "this" is this one)."""
    checkouts = {"this": ours.PROJECT, "baseline": options.baseline}
    rows = {label: {"revalidation_per_second": [], "posting_per_second": []}
            for label in database_urls}
    with ExitStack() as servers:
        running = {}
        for label, url in database_urls.items():
            site_key = seed_widget(url, (REVALIDATED_SIZE,), small_threads=0)
            server = servers.enter_context(serve(label, checkouts[label], url,
                                                 Path(folder) / f"gunicorn-{name}-{label}.log",
                                                 options.env))
            running[label] = (server, site_key, url)
        for run in range(options.repeat):
            for label, (server, site_key, url) in running.items():
                log(f"{name}, {label}, run {run + 1}: load average {load_average()}")
                state = ours.revalidation(server, site_key, REVALIDATED_SIZE, options.seconds, log)
                rows[label]["revalidation_per_second"].append(
                    round(state.get("not_modified_per_second", 0), 1))
                posted = ours.posting(server, site_key, url, options.seconds, log)
                if not posted["matches"]:
                    log(f"  posting: answers and stored comments disagree: {posted}")
                rows[label]["posting_per_second"].append(round(posted["comments_per_second"], 1))
    for label, numbers in rows.items():
        log(f"{name}, {label}: {numbers}")
    return rows


def main(argv=None):
    options = parse_args(argv)
    labels = ["this"] + (["baseline"] if options.baseline else [])
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as folder:
        results["sqlite"] = bench_backend(
            "sqlite", {label: f"sqlite:///{folder}/{label}.sqlite" for label in labels},
            options, folder)
        pg_url = os.environ.get("WIDGET_TEST_DATABASE_URL")
        if pg_url and options.postgresql:
            with ExitStack() as schemas:
                urls = {label: schemas.enter_context(postgresql_schema(pg_url)) for label in labels}
                results["postgresql"] = bench_backend("postgresql", urls, options, folder)
    log(f"load average after: {load_average()}")
    return results


if __name__ == "__main__":
    main()
