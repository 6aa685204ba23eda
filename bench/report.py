"""The bench's results as Markdown tables (to paste into BENCHMARKS.md), each number
beside its issue-9 target, judged on SQLite as the issue states them."""

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# Issue 9's targets (2-core machine, gunicorn 2 workers, SQLite, wrk at 4 connections).
ISSO_FACTOR = 50  # a 200-comment page: at least 50x Isso's requests/s
CEILING_SHARE = 0.5  # ... and at least half the static file's requests/s
P99_1000_MS = 20
P99_5000_MS = 50
NOT_MODIFIED_PER_SECOND = 2_000
COUNTS_P50_MS = 5
BYTES_SHARE = 0.5  # compressed first load under half of Isso's
MAX_REQUESTS = 4
POSTS_PER_SECOND = 300
RSS_MIB = 150
SHARED_CACHE_FACTOR = 10  # issue 15: the 200 page through Varnish, at least 10x the origin alone


def rate(value):
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 1 else f"{value:.2f}"


def ms(value):
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def kb(value):
    return "—" if value is None else f"{value / 1000:,.1f} KB"


def verdict(met):
    return {True: "met", False: "**NOT met**", None: "n/a"}[met]


def _page(backend, size):
    return (backend or {}).get("thread_pages", {}).get(size) or {}


def _isso_page(isso, size):
    return (isso or {}).get("thread_pages", {}).get(size) or {}


def ratio(ours_rps, isso_rps):
    if not ours_rps or not isso_rps:
        return None
    return ours_rps / isso_rps


def targets(results):
    """[(what, target, value, met)] judged on SQLite; met is None when not measured."""
    sqlite = results["ours"].get("sqlite") or {}
    isso = results.get("isso")
    rows = []
    page_200 = _page(sqlite, 200)
    times_isso = ratio(page_200.get("requests_per_second"),
                       _isso_page(isso, 200).get("requests_per_second"))
    rows.append(("200-comment page vs Isso", f"≥ {ISSO_FACTOR}× Isso's req/s",
                 f"{times_isso:,.1f}×" if times_isso else "—",
                 None if times_isso is None else times_isso >= ISSO_FACTOR))
    ceiling = sqlite.get("static_ceiling") or {}
    share = (page_200.get("requests_per_second") / ceiling["requests_per_second"]
             if page_200 and ceiling.get("requests_per_second") else None)
    rows.append(("200-comment page vs static file of its size", f"≥ {CEILING_SHARE:.0%} of its req/s",
                 f"{share:.1%}" if share is not None else "—",
                 None if share is None else share >= CEILING_SHARE))
    for size, limit in ((1_000, P99_1000_MS), (5_000, P99_5000_MS)):
        page = _page(sqlite, size)
        p99, single = page.get("p99_ms"), page.get("single_request_ms")
        label = f"{size:,}-comment page p99" + (" (first page)" if size == 5_000 else "")
        if p99 is None and single is not None and single >= limit:
            # No answer within the run: one request alone already took longer than the limit.
            rows.append((label, f"< {limit} ms", f"none within the run; one request {ms(single)} ms",
                         False))
            continue
        rows.append((label, f"< {limit} ms", f"{ms(p99)} ms" if p99 is not None else "—",
                     None if p99 is None else p99 < limit))
    revalidation = sqlite.get("revalidation") or {}
    not_modified = revalidation.get("not_modified_per_second")
    rows.append(("304 revalidation (If-None-Match)", f"≥ {NOT_MODIFIED_PER_SECOND:,}/s",
                 f"{rate(not_modified)}/s" if not_modified is not None
                 else revalidation.get("error", "—"),
                 None if not_modified is None else not_modified >= NOT_MODIFIED_PER_SECOND))
    counts_p50 = (sqlite.get("counts") or {}).get("p50_ms")
    rows.append(("counts for 50 URLs, p50", f"< {COUNTS_P50_MS} ms",
                 f"{ms(counts_p50)} ms" if counts_p50 is not None else "—",
                 None if counts_p50 is None else counts_p50 < COUNTS_P50_MS))
    ours_load = sqlite.get("first_load") or {}
    isso_load = (isso or {}).get("first_load") or {}
    if ours_load:
        value = f"{kb(ours_load['compressed'])} in {ours_load['requests']} requests"
        if isso_load:
            value += f" (Isso {kb(isso_load['compressed'])} in {isso_load['requests']})"
        met = ours_load["requests"] <= MAX_REQUESTS and (
            ours_load["compressed"] < BYTES_SHARE * isso_load["compressed"] if isso_load else None)
        if met is True and not isso_load:
            met = None
        rows.append(("first load of a 200-comment thread, compressed",
                     f"< {BYTES_SHARE:.0%} of Isso's, ≤ {MAX_REQUESTS} requests", value, met))
    posting = sqlite.get("posting") or {}
    per_second = posting.get("comments_per_second")
    rows.append(("posting, sequential", f"≥ {POSTS_PER_SECOND}/s",
                 f"{rate(per_second)}/s" if per_second is not None else "—",
                 None if per_second is None else per_second >= POSTS_PER_SECOND))
    shared = sqlite.get("shared_cache") or {}
    if shared:
        times = shared.get("times_origin")
        value = (f"{times:,.1f}× ({rate(shared['varnish']['requests_per_second'])}/s against "
                 f"{rate(shared['origin']['requests_per_second'])}/s)" if times is not None
                 else shared.get("error", "—"))
        rows.append(("200-comment page through Varnish vs the origin alone",
                     f"≥ {SHARED_CACHE_FACTOR}× the origin's req/s", value,
                     None if times is None else times >= SHARED_CACHE_FACTOR))
    rss = sqlite.get("worker_peak_rss_mib")
    rows.append(("worker peak RSS after the 5,000 thread", f"< {RSS_MIB} MB",
                 f"{rss:,.0f} MiB" if rss else "—",
                 None if not rss or 5_000 not in sqlite.get("thread_pages", {}) else rss < RSS_MIB))
    return [{"what": what, "target": target, "value": value, "met": met}
            for what, target, value, met in rows]


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def page_table(results):
    backends = [name for name in ("sqlite", "postgresql") if results["ours"].get(name)]
    isso = results.get("isso")
    header = ["comments"]
    for name in backends:
        header += [f"{BACKEND_NAMES[name]} req/s", "p50 ms", "p99 ms"]
    if isso:
        header += ["Isso req/s", "Isso p50 ms", "Isso p99 ms", "ours/Isso"]
    header += ["target", "met"]
    page_targets = {200: (f"≥ {ISSO_FACTOR}× Isso", "200-comment page vs Isso"),
                    1_000: (f"p99 < {P99_1000_MS} ms", "1,000-comment page p99"),
                    5_000: (f"p99 < {P99_5000_MS} ms", "5,000-comment page p99 (first page)")}
    judged = {row["what"]: row["met"] for row in results["targets"]}
    rows = []
    for size in results["settings"]["sizes"]:
        first = _page(results["ours"][backends[0]], size)
        label = f"{size:,}"
        if first.get("next_page") or (first.get("comments_on_page") or size) < size:
            label += f" (first page: {first.get('comments_on_page', 0):,})"
        row = [label]
        for name in backends:
            page = _page(results["ours"][name], size)
            row += [rate(page.get("requests_per_second")), p50_or_single(page),
                    ms(page.get("p99_ms"))]
        if isso:
            theirs = _isso_page(isso, size)
            times = ratio(_page(results["ours"][backends[0]], size).get("requests_per_second"),
                          theirs.get("requests_per_second"))
            row += [rate(theirs.get("requests_per_second")), p50_or_single(theirs),
                    ms(theirs.get("p99_ms")), f"{times:,.1f}×" if times else estimated_ratio(
                        _page(results["ours"][backends[0]], size), theirs,
                        results["settings"]["workers"])]
        target, key = page_targets.get(size, ("—", None))
        row += [target, verdict(judged.get(key)) if key else ""]
        rows.append(row)
    return table(header, rows)


def estimated_ratio(ours_page, isso_page, workers):
    """When Isso answered nothing within the run: its rate estimated as its workers
    each answering one request in the time one request took alone."""
    single = isso_page.get("single_request_ms")
    if isso_page.get("requests") or not single or not ours_page.get("requests_per_second"):
        return "—"
    return f"≈ {ours_page['requests_per_second'] / (workers * 1000 / single):,.0f}× (est.)"


def p50_or_single(page):
    """The p50, or when no answer came within the run, one request's time, marked."""
    if page.get("p50_ms") is None and page.get("single_request_ms"):
        return f"({ms(page['single_request_ms'])}: 1 request)"
    return ms(page.get("p50_ms"))


def other_table(results):
    backends = [name for name in ("sqlite", "postgresql") if results["ours"].get(name)]
    isso = results.get("isso") or {}
    header = ["measure", *[BACKEND_NAMES[name] for name in backends], "Isso", "target", "met"]
    judged = {row["what"]: row for row in results["targets"]}

    def cells(pick):
        return [pick(results["ours"][name]) for name in backends]

    def ceiling(backend):
        found = backend.get("static_ceiling") or {}
        if "error" in found:
            return found["error"]
        return f"{rate(found.get('requests_per_second'))} req/s ({kb(found.get('bytes'))})"

    def share(backend):
        page = _page(backend, backend.get("ceiling_size"))
        found = backend.get("static_ceiling") or {}
        if not page or not found.get("requests_per_second"):
            return "—"
        return f"{page['requests_per_second'] / found['requests_per_second']:.1%}"

    def gzipped(backend):
        found = backend.get("page_gzip") or {}
        if not found:
            return "—"
        return (f"{rate(found.get('requests_per_second'))} req/s, p50 {ms(found.get('p50_ms'))} ms, "
                f"p99 {ms(found.get('p99_ms'))} ms ({kb(found.get('bytes'))} "
                f"{found.get('content_encoding') or 'uncompressed'})")

    def not_modified(backend):
        found = backend.get("revalidation") or {}
        if found.get("error"):
            return found["error"]
        return f"{rate(found.get('not_modified_per_second'))}/s (p50 {ms(found.get('p50_ms'))} ms)"

    def counts(backend):
        found = backend.get("counts") or {}
        wrong = " WRONG COUNTS" if found.get("wrong_counts") else ""
        return f"p50 {ms(found.get('p50_ms'))} ms, {rate(found.get('requests_per_second'))} req/s{wrong}"

    def posting(backend):
        found = backend.get("posting") or {}
        check = "= stored" if found.get("matches") else f"≠ stored {found.get('stored')}"
        return (f"{rate(found.get('comments_per_second'))}/s "
                f"({found.get('created_201', 0):,} × 201 {check})")

    def first_load(backend):
        found = backend.get("first_load")
        if not found:
            return "—"
        browser = f"; {kb(found['browser'])} as a browser gets it" if "browser" in found else ""
        return f"{kb(found['compressed'])} in {found['requests']} requests ({kb(found['raw'])} raw{browser})"

    def rss(backend):
        value = backend.get("worker_peak_rss_mib")
        return f"{value:,.0f} MiB" if value else "—"

    isso_load = isso.get("first_load")
    seeding = results.get("isso_seeding") or {}
    rows = [
        ["static file of the 200 page's size, same gunicorn", *cells(ceiling), "", "", ""],
        ["200-comment page as a share of that", *cells(share), "",
         judged["200-comment page vs static file of its size"]["target"],
         verdict(judged["200-comment page vs static file of its size"]["met"])],
        ["200-comment page with Accept-Encoding: gzip", *cells(gzipped), "", "", ""],
        ["304 revalidation of the 200 page", *cells(not_modified), "",
         judged["304 revalidation (If-None-Match)"]["target"],
         verdict(judged["304 revalidation (If-None-Match)"]["met"])],
        ["counts, 50 URLs in one request", *cells(counts), "",
         judged["counts for 50 URLs, p50"]["target"], verdict(judged["counts for 50 URLs, p50"]["met"])],
        ["posting, one client, back to back", *cells(posting),
         f"{rate(seeding.get('comments_per_second'))}/s (seeding, {seeding.get('clients')} clients)"
         if seeding else "", judged["posting, sequential"]["target"],
         verdict(judged["posting, sequential"]["met"])],
    ]
    load_row = judged.get("first load of a 200-comment thread, compressed")
    if load_row:
        rows.append(["first load of the 200 thread, compressed", *cells(first_load),
                     f"{kb(isso_load['compressed'])} in {isso_load['requests']} requests "
                     f"({kb(isso_load['raw'])} raw)" if isso_load else "",
                     load_row["target"], verdict(load_row["met"])])
    rss_row = judged["worker peak RSS after the 5,000 thread"]
    rows.append(["worker peak RSS (VmHWM) after the biggest thread", *cells(rss),
                 f"{isso['worker_peak_rss_mib']:,.0f} MiB" if isso.get("worker_peak_rss_mib") else "",
                 rss_row["target"], verdict(rss_row["met"])])
    return table(header, rows)


def grouped(downloads):
    """Downloads of one kind from one folder (e.g. 60 avatar images) as one line each."""
    groups = {}
    for row in downloads:
        kind, _, path = row["name"].partition(" ")
        key = f"{kind} {path.rsplit('/', 1)[0]}/…" if kind == "image" else row["name"]
        group = groups.setdefault(key, {"count": 0, "raw": 0, "compressed": 0, "how": set()})
        group["count"] += 1
        group["raw"] += row["raw"]
        group["compressed"] += row["compressed"]
        group["how"].add("server" if row["served_gzipped"] else "gzip -6")
    return [(f"{g['count']} × {key}" if g["count"] > 1 else key, g["raw"], g["compressed"],
             ", ".join(sorted(g["how"]))) for key, g in groups.items()]


def bytes_table(results):
    sqlite = results["ours"].get("sqlite") or next(iter(results["ours"].values()))
    rows = []
    for who, load in (("ours", sqlite.get("first_load")),
                      ("Isso", (results.get("isso") or {}).get("first_load"))):
        for name, raw, compressed, how in grouped((load or {}).get("rows", [])):
            rows.append([f"{who}: {name}", f"{raw:,}", f"{compressed:,}", how])
    return table(["request", "raw bytes", "compressed bytes", "compressed by"], rows) if rows else ""


def shared_cache_table(results):
    """The 200 page from the origin alone and through Varnish, in the same run."""
    shared = (results["ours"].get("sqlite") or {}).get("shared_cache") or {}
    if not shared:
        return ""
    if "error" in shared:
        return f"Not measured: {shared['error']}."
    judged = {row["what"]: row for row in results["targets"]}
    row = judged["200-comment page through Varnish vs the origin alone"]
    runs = shared.get("runs") or {"origin_gzip": shared["origin"],
                                  "varnish_gzip": shared["varnish"]}
    rows = []
    for encoding, asked in (("identity", "no Accept-Encoding"), ("gzip", "Accept-Encoding: gzip")):
        if f"origin_{encoding}" not in runs:
            continue
        origin, through = runs[f"origin_{encoding}"], runs[f"varnish_{encoding}"]
        times = through["requests_per_second"] / origin["requests_per_second"]
        judged_here = encoding == "gzip"
        rows.append([asked, f"{rate(origin['requests_per_second'])}/s, p50 {ms(origin.get('p50_ms'))} ms",
                     f"{rate(through['requests_per_second'])}/s, p50 {ms(through.get('p50_ms'))} ms",
                     f"{times:,.1f}×", row["target"] if judged_here else "(not judged)",
                     verdict(row["met"]) if judged_here else ""])
    return table([f"{shared['size']}-comment page", "origin alone (gunicorn)", "through Varnish",
                  "Varnish / origin", "target", ""], rows)


def render(results):
    machine, settings = results["machine"], results["settings"]
    lines = [
        f"# Bench, {results['date']}",
        "",
        f"- command: `{results['command']}` (commit {results.get('commit', '?')})",
        f"- machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory']}; "
        f"load average before {machine['load_before']}, after {machine['load_after']}",
        f"- wrk -t{settings['wrk_threads']} -c{settings['wrk_connections']} "
        f"-d{settings['seconds']}s --latency on loopback, after a {settings.get('warmup', 0)} s "
        f"run whose numbers are dropped (every worker renders and caches its pages once); "
        f"gunicorn {settings['workers']} workers, {' '.join(settings.get('worker_options', []))} "
        f"(ours and Isso alike); {settings['versions']}",
        f"- rate limits are OFF for the bench ({settings['bench_settings']})",
        "- thread page: `GET /t/KEY?url=…`; Isso: `GET /?uri=…` (every comment, as JSON)",
        "",
        "## Thread pages",
        "",
        page_table(results),
        "",
        "## Revalidation, counts, posting, bytes, memory",
        "",
        other_table(results),
    ]
    shared = shared_cache_table(results)
    if shared:
        lines += ["", "## Through a shared cache (Varnish, docs/varnish.vcl)", "", shared]
    detail = bytes_table(results)
    if detail:
        lines += ["", "## First load, request by request", "", detail]
    notes = results.get("notes") or []
    if notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"
