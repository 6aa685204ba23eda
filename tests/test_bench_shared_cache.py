"""The bench's shared-cache table (bench/shared_cache.py, bench/report.py): judged as
browsers ask (gzip), the plain numbers shown beside, a missing Varnish said plainly."""

from bench import report


def run(rps, p50):
    return {"requests_per_second": rps, "p50_ms": p50}


def results(shared):
    return {"ours": {"sqlite": {"shared_cache": shared}}, "isso": None}


def rendered_table(shared):
    found = results(shared)
    found["targets"] = report.targets(found)
    return found["targets"], report.shared_cache_table(found)


def test_the_ratio_is_judged_with_gzip_and_the_plain_one_shown_beside():
    runs = {"origin_identity": run(400, 9.0), "varnish_identity": run(2_000, 1.5),
            "origin_gzip": run(200, 20.0), "varnish_gzip": run(30_000, 0.1)}
    targets, table = rendered_table({"size": 200, "origin": runs["origin_gzip"],
                                     "varnish": runs["varnish_gzip"], "times_origin": 150.0,
                                     "runs": runs})
    judged = {row["what"]: row for row in targets}
    row = judged["200-comment page through Varnish vs the origin alone"]
    assert row["met"] is True and row["value"].startswith("150.0×")
    assert "| no Accept-Encoding | 400/s, p50 9.00 ms | 2,000/s, p50 1.50 ms | 5.0× |" in table
    assert "| Accept-Encoding: gzip | 200/s" in table and "| 150.0× |" in table
    assert table.rstrip().endswith("| met |")


def test_under_ten_times_is_not_met_and_a_missing_varnish_is_said():
    targets, _ = rendered_table({"size": 200, "origin": run(200, 20.0),
                                 "varnish": run(1_000, 2.0), "times_origin": 5.0})
    assert [row["met"] for row in targets if "Varnish" in row["what"]] == [False]
    targets, table = rendered_table({"error": "varnishd is not installed"})
    assert table == "Not measured: varnishd is not installed."
    assert [row["met"] for row in targets if "Varnish" in row["what"]] == [None]
