"""The benchmark harness (`make bench`): its wrk parser on real wrk output, its seeding,
and its measurements for real against our app under gunicorn, with 1 s wrk runs."""

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bench import first_load, ours, report, seed, wrk
from bench.server import fetch
from widget import create_app

WRK_OUTPUTS = Path(__file__).resolve().parent / "fixtures" / "wrk"
needs_wrk = pytest.mark.skipif(not Path(wrk.WRK).exists(),
                               reason=f"{wrk.WRK} is missing (Debian package wrk)")


def wrk_output(name):
    return (WRK_OUTPUTS / f"{name}.txt").read_text()


def test_parses_a_run_with_the_status_script():
    result = wrk.parse(wrk_output("ok_with_statuses"))
    assert result.requests == 1_013
    assert result.requests_per_second == 1_007.90
    assert result.latency_ms == {50.0: 2.85, 75.0: 5.95, 90.0: 9.40, 99.0: 15.72}
    assert (result.p50, result.p99) == (2.85, 15.72)
    assert result.statuses == {200: 1_013}
    assert result.seconds == pytest.approx(1.005059)  # the script's exact duration
    assert result.per_second(200) == pytest.approx(1_013 / 1.005059)
    assert result.non_2xx_3xx == 0 and result.socket_errors == {}


def test_parses_errors_and_latencies_in_microseconds():
    result = wrk.parse(wrk_output("not_found"))
    assert result.non_2xx_3xx == result.requests == 1_344
    assert result.statuses == {404: 1_344}
    assert result.latency_ms[50.0] == pytest.approx(0.445)  # "445.00us"
    assert result.p99 == 5.34


def test_parses_latencies_in_seconds_without_a_script():
    result = wrk.parse(wrk_output("slow_seconds"))
    assert (result.requests, result.requests_per_second) == (4, 1.33)
    assert result.seconds == pytest.approx(3.02)  # from "4 requests in 3.02s"
    assert result.p50 == pytest.approx(1_200) and result.p99 == pytest.approx(1_210)
    assert result.statuses == {} and result.sent is None


def test_a_run_where_every_request_timed_out_has_no_latency():
    result = wrk.parse(wrk_output("all_timed_out"))
    assert result.socket_errors == {"connect": 0, "read": 0, "write": 0, "timeout": 2}
    assert result.latency_ms == {} and result.p99 is None  # not wrk's meaningless 0.00us


@pytest.mark.parametrize("printed, expected", [
    ("456.00us", 0.456), ("1.23ms", 1.23), ("2.01s", 2_010.0), ("1.50m", 90_000.0)])
def test_wrk_durations(printed, expected):
    assert wrk.milliseconds(printed) == pytest.approx(expected)


def test_no_output_is_an_error():
    with pytest.raises(wrk.WrkError, match="printed no result"):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_wrk_is_only_aimed_at_this_machine():
    with pytest.raises(wrk.WrkError, match="only loopback"):
        wrk.run("http://192.0.2.1:8000/", 1)


def test_the_poster_script_sends_the_form_fields_encoded():
    script = wrk.poster_script({"text": "Bench comment", "name": "Bench poster",
                                "csrf_token": "a.b-c_d+e/f="})
    assert '"text=Bench+comment" .. "+"' in script
    assert "name=Bench+poster&csrf_token=a.b-c_d%2Be%2Ff%3D" in script
    assert wrk.STATUS_COUNTER in script


def test_first_load_counts_what_a_browser_with_scripts_fetches():
    html = """<link rel="stylesheet" href="/static/thread.css?v=1"><link rel="icon" href="/i.png">
    <script src="/static/thread.js?v=2" defer></script><img src="data:image/png;base64,AA">
    <span><noscript><img src="/avatar/ab.svg"></noscript></span><img src="/x.png">
    <script src="/static/thread.js?v=2"></script>"""
    assert first_load.page_references(html) == [
        ("stylesheet", "/static/thread.css?v=1"), ("script", "/static/thread.js?v=2"),
        ("image", "/x.png")]


def test_the_threads_are_the_same_on_every_run_and_shaped_as_asked():
    thread = seed.generate_thread(1_000)
    assert thread == seed.generate_thread(1_000)
    top_level = sum(1 for comment in thread if comment.parent is None)
    assert 280 <= top_level <= 400  # about a third
    assert all(comment.parent is None or comment.parent < index
               for index, comment in enumerate(thread))
    assert all(1 <= comment.text.count(".") + comment.text.count("!") + comment.text.count("?")
               for comment in thread)
    assert len({comment.author for comment in thread}) > 100
    assert 0 < sum(1 for comment in thread if comment.email) < len(thread)
    assert any("*" in comment.text or "`" in comment.text or "](" in comment.text
               for comment in thread)  # Markdown, rendered by the app


def test_seeding_caps_the_depth_as_posting_does(tmp_path):
    database_url = f"sqlite:///{tmp_path}/seed.sqlite"
    seed.seed_widget(database_url, sizes=(200,), small_threads=0, max_depth=2)
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, parent_id, reply_to_id FROM comment ORDER BY id")).all()
    engine.dispose()
    parents = {row.id: row.parent_id for row in rows}

    def depth(comment_id):
        return 0 if parents[comment_id] is None else 1 + depth(parents[comment_id])

    assert len(rows) == 200
    assert max(depth(row.id) for row in rows) == 2
    generated = seed.generate_thread(200)
    ids = [row.id for row in rows]
    for row, comment in zip(rows, generated, strict=True):  # inserted in order
        assert row.reply_to_id == (ids[comment.parent] if comment.parent is not None else None)
    assert any(row.parent_id != row.reply_to_id for row in rows)  # some were moved up


@pytest.mark.skipif(not os.environ.get("WIDGET_TEST_DATABASE_URL"),
                    reason="needs WIDGET_TEST_DATABASE_URL (a PostgreSQL server)")
def test_postgresql_seeding_uses_a_private_schema_that_is_dropped():
    base_url = os.environ["WIDGET_TEST_DATABASE_URL"]
    with seed.postgresql_schema(base_url) as database_url:
        schema = database_url.rsplit("%3D", 1)[1]
        seed.seed_widget(database_url, sizes=(10,), small_threads=1)
        assert ours.comments_in(database_url, seed.ORIGIN + seed.article_path(10)) == {"approved": 10}
    engine = create_engine(base_url)
    assert schema not in inspect(engine).get_schema_names()
    engine.dispose()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A tiny seeded site under our real gunicorn (2 workers)."""
    folder = tmp_path_factory.mktemp("bench")
    database_url = f"sqlite:///{folder}/bench.sqlite"
    site_key = seed.seed_widget(database_url, sizes=(10,), small_threads=2)
    with ours.gunicorn_for(database_url, folder / "gunicorn.log") as server:
        yield server, site_key, database_url


@needs_wrk
def test_the_harness_measures_our_app_under_gunicorn(served):
    server, site_key, database_url = served
    assert len(server.worker_pids()) == 2
    results = ours.measure(server, site_key, database_url, seconds=1, sizes=(10,),
                           small_threads=2, with_bytes=False, log=lambda message: None)

    page = results["thread_pages"][10]
    assert page["requests"] > 0 and page["requests_per_second"] > 0
    assert 0 < page["p50_ms"] <= page["p99_ms"]
    assert page["non_2xx_3xx"] == 0 and page["comments_on_page"] == 10
    assert results["worker_peak_rss_mib"] > 20

    gzipped = results["page_gzip"]
    assert gzipped["requests_per_second"] > 0 and gzipped["non_2xx_3xx"] == 0

    ceiling = results["static_ceiling"]
    assert ceiling["requests_per_second"] > 0 and ceiling["bytes"] == page["page_bytes"]
    assert ceiling["file"].startswith(ours.CEILING_PREFIX)
    assert not (ours.STATIC / ceiling["file"]).exists()  # removed after the run

    revalidation = results["revalidation"]
    if revalidation.get("error"):  # the app may not send ETags yet
        assert revalidation["error"] == "no ETag"
    else:
        assert revalidation["not_modified_per_second"] > 0

    counts = results["counts"]
    assert counts["urls"] == 50 and counts["wrong_counts"] == {} and counts["p50_ms"] > 0

    posting = results["posting"]
    assert posting["created_201"] > 0 and posting["statuses"] == {"201": posting["created_201"]}
    assert posting["matches"], posting
    stored = ours.comments_in(database_url, seed.ORIGIN + ours.POSTING_PATH)
    assert sum(stored.values()) == posting["stored"] == posting["created_201"] + posting["unanswered_at_stop"]
    assert posting["comments_per_second"] > 0

    rendered = report.render({
        "date": "today", "command": "python -m bench.run", "machine": {
            "cpu": "CPU", "cores": 2, "memory": "1 GiB", "load_before": "0", "load_after": "0"},
        "settings": {"seconds": 1, "sizes": [10], "workers": 2, "wrk_threads": 2,
                     "wrk_connections": 4, "versions": "", "bench_settings": ""},
        "ours": {"sqlite": results}, "isso": None,
        "targets": report.targets({"ours": {"sqlite": results}, "isso": None})})
    assert f"| 10 | {report.rate(page['requests_per_second'])} |" in rendered
    assert "| posting, one client, back to back |" in rendered


def test_bench_bytes_reports_the_first_load(served):
    """What a reader downloads, through gunicorn, with Accept-Encoding: gzip and as
    Chromium asks (the server's own brotli or zstd, never the proxy's gzip -6 fallback)."""
    server, site_key, _ = served
    rows = first_load.ours(server.url, site_key, seed.ORIGIN + seed.article_path(10), seed.ORIGIN)
    names = [row.name for row in rows]
    assert names[:2] == ["embed.js", "thread page"]
    assert "stylesheet /static/thread.css" in names and "script /static/thread.js" in names
    page = fetch(server.url + f"/t/{site_key}?url={seed.ORIGIN}{seed.article_path(10)}"
                 f"&origin={seed.ORIGIN}")
    assert len(rows) == 2 + len(first_load.page_references(page.text))
    assert all(row.status == 200 and 0 < row.compressed < row.raw for row in rows)
    assert all(row.served_gzipped and row.browser_coding in ("br", "zstd") for row in rows)
    assert all(0 < row.browser < row.raw and 0 < row.brotli < row.raw for row in rows)
    app = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    loader = app.test_client().get("/embed.js").get_data()  # as served, with its words
    assert rows[0].raw == len(loader)
    totals = first_load.totals(rows)
    assert totals["requests"] == len(rows) and totals["all_ok"]
    assert totals["compressed"] == sum(row.compressed for row in rows)
    assert totals["browser"] == sum(row.browser for row in rows)
