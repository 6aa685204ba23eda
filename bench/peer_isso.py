"""Isso 0.14.0, the best-known Python peer, measured beside us: its own virtualenv
(bench/.venv-isso), a config in a temporary folder, gunicorn with 2 workers, the same
threads posted through its HTTP API, then its thread endpoint under wrk."""

import json
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import first_load, wrk
from .seed import article_path, generate_thread
from .server import Gunicorn, fetch, free_port

ISSO_VERSION = "0.14.0"
VENV = Path(__file__).resolve().parent / ".venv-isso"
STAMP = VENV / f".installed-isso-{ISSO_VERSION}"

# Guard (rate limits, direct-reply limits) and moderation off, so seeding is not refused
# and every comment is shown. `host` is where Isso thinks the blog is: it sends a HEAD
# there when each worker starts, so it names a loopback port with nothing behind it
# rather than a made-up domain (that would be a DNS query off this machine).
CONFIG = """\
[general]
dbpath = {dbpath}
host = {host}
notify = stdout
reply-notifications = false
gravatar = false
latest-enabled = false

[admin]
enabled = false

[moderation]
enabled = false

[guard]
enabled = false
require-author = false
require-email = false

[server]
listen = http://127.0.0.1:8080
"""


def ensure_venv(log=print):
    """bench/.venv-isso with isso and gunicorn, made once; returns its gunicorn."""
    if not STAMP.exists():
        log(f"Installing Isso {ISSO_VERSION} and gunicorn into {VENV} (once)")
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        f"isso=={ISSO_VERSION}", "gunicorn"], check=True)
        STAMP.touch()
    return VENV / "bin" / "gunicorn"


def gunicorn_for(folder, log_path, workers=2):
    folder = Path(folder)
    config = folder / "isso.cfg"
    config.write_text(CONFIG.format(dbpath=folder / "isso.db",
                                    host=f"http://127.0.0.1:{free_port()}/"))
    return Gunicorn(ensure_venv(), "isso.run:application", {"ISSO_SETTINGS": str(config)},
                    folder, log_path, workers=workers)


def post(base_url, uri, comment, parent_id, title):
    body = {"text": comment.text, "author": comment.author, "email": comment.email,
            "parent": parent_id, "title": title}
    answer = fetch(f"{base_url}/new?" + urllib.parse.urlencode({"uri": uri}),
                   headers={"Content-Type": "application/json"},
                   data=json.dumps(body).encode())
    if answer.status != 201:
        raise RuntimeError(f"Isso refused a comment ({answer.status}): {answer.text[:300]}")
    return json.loads(answer.content)["id"]


def seed(base_url, sizes, clients=3, log=print):
    """Post every thread through the API, replies to the same parents as ours (Isso
    hangs a reply to a reply under the top-level comment). A few clients post at once
    to keep Isso's two workers busy; each reply waits for its parent's id. Returns the
    time it took and the rate."""
    started, posted = time.monotonic(), 0
    with ThreadPoolExecutor(clients) as pool:
        for size in sizes:
            uri = article_path(size)
            ids = []  # futures of Isso's ids, in our order (FIFO: a parent is taken first)
            for comment in generate_thread(size):
                parent = ids[comment.parent] if comment.parent is not None else None
                ids.append(pool.submit(post_reply, base_url, uri, comment, parent))
            for future in ids:
                future.result()
            posted += size
            log(f"  Isso: seeded the thread of {size:,} ({time.monotonic() - started:.0f} s so far)")
    seconds = time.monotonic() - started
    return {"comments": posted, "seconds": round(seconds, 2), "clients": clients,
            "comments_per_second": posted / seconds if seconds else 0.0}


def post_reply(base_url, uri, comment, parent):
    parent_id = parent.result() if parent is not None else None
    return post(base_url, uri, comment, parent_id, f"Bench thread {uri}")


def thread_url(base_url, size):
    return f"{base_url}/?" + urllib.parse.urlencode({"uri": article_path(size)})


def measure(server, sizes, seconds, log=print):
    """wrk on GET /?uri=… (every comment, rendered, as JSON) per size, Isso's worker
    peak RSS after the biggest, and its client's first load of the 200 thread."""
    results = {"thread_pages": {}}
    for size in sizes:
        url = thread_url(server.url, size)
        started = time.monotonic()
        first = fetch(url)
        single_ms = (time.monotonic() - started) * 1000
        if first.status != 200:
            raise RuntimeError(f"Isso's thread of {size} answered {first.status}")
        shown = json.loads(first.content)["total_replies"]
        log(f"  Isso thread of {size:,}: {len(first.body):,} bytes of JSON, {shown:,} comments, "
            f"one request {single_ms:,.0f} ms; wrk {seconds} s")
        results["thread_pages"][size] = {**wrk.run(url, seconds).as_dict(),
                                         "page_bytes": len(first.body), "comments": shown,
                                         "single_request_ms": round(single_ms, 1)}
    results["worker_peak_rss_mib"] = server.peak_rss_mib()
    if 200 in sizes:
        rows = first_load.isso(server.url, article_path(200))
        results["first_load"] = {"size": 200, "rows": [r.as_dict() for r in rows],
                                 **first_load.totals(rows)}
    return results
