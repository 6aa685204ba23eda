"""The scripts a site owner pastes: their size budget and how they are served (the bytes
of a whole first load are measured by the bench: tests/test_bench.py)."""

import gzip
import json
from pathlib import Path

import pytest
import rjsmin

from widget.embed.loader import PLACEHOLDER

PROJECT = Path(__file__).resolve().parent.parent
LOADER_BUDGET = 3 * 1024  # gzipped bytes, as the issue and README promise


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
    assert words["de"]["comments"] == "Kommentare" and words["zh"]["comments"] == "评论"
    assert {"en", "de", "fr", "ar", "he", "es", "pt", "ja", "zh"} <= set(words)  # keyed as the script looks them up
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
