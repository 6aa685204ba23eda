"""A thread page through Varnish (docs/varnish.vcl) against the origin alone, both measured
in the same minute (issue 15, target 4: at least 10× the origin's requests per second)."""

from pathlib import Path

from . import ours, varnish
from .seed import article_path
from .server import fetch

SIZE = 200
TIMES_ORIGIN = 10


def measure(database_url, site_key, seconds, folder, log=print):
    """wrk on the origin (gunicorn, as configured behind a cache: purge URL set) and then
    on Varnish in front of it; {"error": why} when Varnish cannot run here."""
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
            log(f"  shared cache: thread of {SIZE}, origin alone, wrk {seconds} s")
            origin = ours.measured(origin_url, seconds)
            log(f"  shared cache: the same through Varnish, wrk {seconds} s")
            through = ours.measured(cached_url, seconds)
        finally:
            cache.stop()
    times = through.requests_per_second / origin.requests_per_second
    log(f"  shared cache: {through.requests_per_second:,.0f}/s through Varnish, "
        f"{origin.requests_per_second:,.0f}/s from the origin: {times:,.1f}×")
    return {"size": SIZE, "origin": origin.as_dict(), "varnish": through.as_dict(),
            "times_origin": round(times, 1)}
