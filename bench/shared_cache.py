"""A thread page through Varnish (docs/varnish.vcl) against the origin alone, both measured
in the same minute (issue 15, target 4: at least 10× the origin's requests per second)."""

from pathlib import Path

from . import ours, varnish
from .seed import article_path
from .server import fetch

SIZE = 200
TIMES_ORIGIN = 10


def measure(database_url, site_key, seconds, folder, log=print):
    """wrk on the origin (gunicorn, as configured behind a cache: purge URL set) and on
    Varnish in front of it, without and with Accept-Encoding: gzip (Varnish keeps the page
    gzipped and unzips it for a client that does not take gzip); judged with gzip, as
    browsers ask. {"error": why} when Varnish cannot run here."""
    problem = varnish.missing()
    if problem:
        log(f"  shared cache: not measured: {problem}")
        return {"error": problem}
    cache = varnish.Varnish(folder)
    log_path = Path(folder) / "gunicorn-shared-cache.log"
    with ours.gunicorn_for(database_url, log_path, WIDGET_CACHE_PURGE_URLS=cache.url + "/",
                           WIDGET_PROXY_HOPS="1") as server:
        cache.start(server.port)
        try:
            origin_url = ours.page_url(server.url, site_key, article_path(SIZE))
            cached_url = ours.page_url(cache.url, site_key, article_path(SIZE))
            fetch(cached_url)
            second = fetch(cached_url)
            if second.status != 200 or second.headers.get("x-cache") != "hit":
                raise RuntimeError(f"Varnish did not keep the page: {second.status} "
                                   f"{second.headers.get('cache-control')}")
            runs = {}
            for encoding, headers in (("identity", {}), ("gzip", {"Accept-Encoding": "gzip"})):
                for who, url in (("origin", origin_url), ("varnish", cached_url)):
                    log(f"  shared cache: thread of {SIZE}, {who}, {encoding}, wrk {seconds} s")
                    runs[f"{who}_{encoding}"] = ours.measured(url, seconds, headers=headers)
        finally:
            cache.stop()
    rows = {name: run.as_dict() for name, run in runs.items()}
    for encoding in ("identity", "gzip"):
        times = (runs[f"varnish_{encoding}"].requests_per_second
                 / runs[f"origin_{encoding}"].requests_per_second)
        rows[f"times_origin_{encoding}"] = round(times, 1)
        log(f"  shared cache, {encoding}: {runs[f'varnish_{encoding}'].requests_per_second:,.0f}/s "
            f"through Varnish, {runs[f'origin_{encoding}'].requests_per_second:,.0f}/s from "
            f"the origin: {times:,.1f}×")
    # Judged as browsers ask (gzip); without it Varnish unzips its stored copy per request.
    return {"size": SIZE, "origin": rows["origin_gzip"], "varnish": rows["varnish_gzip"],
            "times_origin": rows["times_origin_gzip"], "runs": rows}
