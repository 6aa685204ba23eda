"""The write-path part of `make bench` alone: posting back to back (one client) and ETag
revalidation of the 200-comment page, on SQLite and (with WIDGET_TEST_DATABASE_URL) on
PostgreSQL, with the very measurements bench.run makes (ours.posting, ours.revalidation).

    .venv/bin/python -m bench.writes [--seconds 10] [--repeat 3] [--no-postgresql]

For working on the write path without seeding the big threads or running Isso; a
repeat gives the spread, which on a shared 2-core machine is wide.
"""

import argparse
import os
import tempfile
from pathlib import Path

from . import ours
from .run import load_average, log
from .seed import postgresql_schema, seed_widget

REVALIDATED_SIZE = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement")
    parser.add_argument("--postgresql", action=argparse.BooleanOptionalAction, default=True,
                        help="also over PostgreSQL when WIDGET_TEST_DATABASE_URL is set")
    return parser.parse_args(argv)


def bench_backend(name, database_url, options, folder):
    site_key = seed_widget(database_url, (REVALIDATED_SIZE,), small_threads=0)
    rows = {"revalidation_per_second": [], "posting_per_second": []}
    with ours.gunicorn_for(database_url, Path(folder) / f"gunicorn-{name}.log") as server:
        for run in range(options.repeat):
            log(f"{name} run {run + 1}, load average {load_average()}")
            state = ours.revalidation(server, site_key, REVALIDATED_SIZE, options.seconds, log)
            rows["revalidation_per_second"].append(round(state.get("not_modified_per_second", 0), 1))
            posted = ours.posting(server, site_key, database_url, options.seconds, log)
            if not posted["matches"]:
                log(f"  posting: answers and stored comments disagree: {posted}")
            rows["posting_per_second"].append(round(posted["comments_per_second"], 1))
    log(f"{name}: {rows}")
    return rows


def main(argv=None):
    options = parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-writes-") as folder:
        results["sqlite"] = bench_backend("sqlite", f"sqlite:///{folder}/bench.sqlite",
                                          options, folder)
        pg_url = os.environ.get("WIDGET_TEST_DATABASE_URL")
        if pg_url and options.postgresql:
            with postgresql_schema(pg_url) as url:
                results["postgresql"] = bench_backend("postgresql", url, options, folder)
    log(f"load average after: {load_average()}")
    return results


if __name__ == "__main__":
    main()
