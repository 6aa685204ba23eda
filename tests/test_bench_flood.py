"""The flood script, run as an operator would, against the service on a real server."""

import subprocess
import sys
from pathlib import Path

import pytest

from widget.extensions import db

from .abuse_helpers import LiveServer, live_app
from .conftest import ARTICLE

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "flood.py"


def run_flood(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # the script, not the database
def test_the_flood_meets_429s_while_the_reader_is_served(app, database, site, tmp_path):
    server = LiveServer(live_app(database, tmp_path, RATELIMIT_ENABLED=True,
                                 RATELIMIT_POST="20 per minute",
                                 RATELIMIT_POST_THREAD="10 per minute"))
    try:
        result = run_flood("--base-url", server.url, "--site", site.key, "--article", ARTICLE,
                           "--workers", "4", "--posts", "60", "--seconds", "30",
                           "--reader-interval", "0.05")
    finally:
        server.stop()
        with server.app.app_context():
            db.engine.dispose()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "limits held and readers were served" in result.stdout
    assert "201: 10, 429: 50" in result.stdout  # the per-thread limit, exactly
    assert "reader: " in result.stdout and "200: " in result.stdout


def test_the_flood_refuses_targets_off_this_machine():
    result = run_flood("--base-url", "http://192.0.2.1:5000", "--posts", "1", "--seconds", "1")
    assert result.returncode != 0
    assert "only loopback addresses are allowed" in result.stderr
