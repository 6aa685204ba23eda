"""The soak, half a minute of it: two gunicorn instances over a PostgreSQL and a Redis of
the test's own, mixed traffic, PostgreSQL restarted and Redis stopped mid-run
(bench/soak.py; `make soak` runs ten minutes, the suite has no time for more)."""

import os
import shutil

import pytest

from bench.soak import postgres_binaries, soak


def test_half_a_minute_of_traffic_through_a_database_restart_and_a_redis_outage(tmp_path):
    if not postgres_binaries() and not os.environ.get("WIDGET_TEST_DATABASE_URL"):
        pytest.skip("the soak needs the PostgreSQL server binaries (initdb, pg_ctl; e.g. "
                    "Debian's postgresql package) or WIDGET_TEST_DATABASE_URL")
    if not shutil.which("redis-server"):
        pytest.skip("the soak needs redis-server on PATH")
    report = soak(30, readers=2, rate=4.0, folder=tmp_path)
    summary = {key: value for key, value in report.items() if key != "memory_mb"}
    assert report["posts_accepted"] > 20, summary
    assert not report["posts_missing"] and not report["posts_stored_twice"], summary
    assert report["answered_500"] == 0 and report["logged_500"] == 0, summary
    assert report["ok"], summary
