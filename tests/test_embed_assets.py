"""The scripts a site owner pastes: their size budget, how they are served, and the bytes
benchmark that reports them."""

import gzip
import importlib.util
import json
from pathlib import Path

import pytest
import rjsmin

from widget.embed.loader import PLACEHOLDER

PROJECT = Path(__file__).resolve().parent.parent
LOADER_BUDGET = 3 * 1024  # gzipped bytes, as the issue and README promise


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_bytes", PROJECT / "bench" / "bytes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def served_words(served, script):
    """The served script is the static file, minified, with every language's words in
    its placeholder."""
    before, after = (PROJECT / "static" / script).read_text(encoding="utf-8").split(PLACEHOLDER)
    text = served.decode("utf-8")
    start = text.index("var STRINGS=") + len("var STRINGS=")
    words, _ = json.JSONDecoder().raw_decode(text, start)
    filled = before + json.dumps(words, sort_keys=True, ensure_ascii=False) + after
    assert text == rjsmin.jsmin(filled)
    assert len(text) < len(filled) * 0.8  # comments and spaces are gone
    return words


def test_the_loader_is_at_most_3_kb_gzipped(client):
    with client.get("/embed.js") as response:
        served = response.get_data()
    words = served_words(served, "embed.js")
    assert words["de"]["comments"] == "Kommentare" and set(words) == {"en", "de", "fr", "ar"}
    assert len(gzip.compress(served, compresslevel=9)) <= LOADER_BUDGET


@pytest.mark.parametrize("script", ["embed.js", "count.js"])
def test_loader_scripts_are_served_at_their_fixed_urls(client, script):
    with client.get(f"/{script}") as response:
        assert response.status_code == 200
        assert response.mimetype in ("text/javascript", "application/javascript")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.cache_control.max_age == 300
        assert served_words(response.get_data(), script)["fr"]
        again = client.get(f"/{script}", headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_bench_bytes_reports_the_first_load(capsys):
    bench = load_bench()
    rows = bench.measure(comments=5)
    assert [name for name, *_ in rows] == ["embed.js", "thread page", "thread CSS", "thread script"]
    app = bench.create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    loader = app.test_client().get("/embed.js").get_data()  # as served, with its words
    assert rows[0][1:] == (len(loader), len(gzip.compress(loader, 6)))
    assert all(0 < compressed < raw for _, raw, compressed in rows)
    bench.main(["--comments", "3"])
    printed = capsys.readouterr().out
    assert "First load of a 3-comment thread (4 requests after the host page)" in printed
    assert printed.splitlines()[-1].startswith("total")
