"""Flood a running comment service on this machine and show that the limits hold.

Several workers post comments to one thread as fast as they can while a reader keeps
loading the thread page. The report shows how many posts were taken, held or refused
with 429, and how the reader fared. Loopback only; bounded in requests and in time.

    make run                       # in one terminal: the demo on http://127.0.0.1:5000
    .venv/bin/python bench/flood.py --posts 300 --seconds 20

Exit status 0 when the limits held (some posts got 429, none got 5xx) and every reader
request answered 200; 1 otherwise.
"""

import argparse
import ipaddress
import re
import socket
import statistics
import sys
import threading
import time
from collections import Counter
from urllib.parse import quote, urlsplit

import httpx

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def loopback_only(base_url):
    """Refuse any target but this machine: a flood is never aimed elsewhere."""
    host = urlsplit(base_url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                for a in addresses):
        raise SystemExit(f"refusing to flood {host}: only loopback addresses are allowed")


class Flood:
    def __init__(self, args):
        self.args = args
        self.thread_path = f"/t/{quote(args.site)}?url={quote(args.article, safe='')}"
        self.deadline = time.monotonic() + args.seconds
        self.remaining = args.posts
        self.lock = threading.Lock()
        self.post_statuses = Counter()
        self.post_outcomes = Counter()  # approved / held, for the 201s
        self.first_429_after = None
        self.reader_statuses = Counter()
        self.reader_latencies = []
        self.started = time.monotonic()

    def take_one(self):
        with self.lock:
            if self.remaining <= 0 or time.monotonic() >= self.deadline:
                return False
            self.remaining -= 1
            return True

    def poster(self, number):
        with httpx.Client(base_url=self.args.base_url, timeout=10) as http:
            page = http.get(self.thread_path)
            match = TOKEN.search(page.text)
            if not match:
                raise SystemExit(f"no form on {self.thread_path}: HTTP {page.status_code}")
            token = match.group(1)
            sequence = 0
            while self.take_one():
                sequence += 1
                fields = {"csrf_token": token, "name": f"Flooder {number}",
                          "text": f"flood {number}-{sequence}", "parent": ""}
                try:
                    response = http.post(self.thread_path, data=fields,
                                         headers={"Accept": "application/json"})
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                with self.lock:
                    self.post_statuses[status] += 1
                    if status == 201:
                        self.post_outcomes[response.json()["status"]] += 1
                    if status == 429 and self.first_429_after is None:
                        self.first_429_after = time.monotonic() - self.started

    def reader(self, stop):
        with httpx.Client(base_url=self.args.base_url, timeout=10) as http:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    status = http.get(self.thread_path).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                with self.lock:
                    self.reader_statuses[status] += 1
                    self.reader_latencies.append(time.monotonic() - began)
                stop.wait(self.args.reader_interval)

    def run(self):
        stop = threading.Event()
        reader = threading.Thread(target=self.reader, args=(stop,))
        reader.start()
        posters = [threading.Thread(target=self.poster, args=(n,))
                   for n in range(self.args.workers)]
        for poster in posters:
            poster.start()
        for poster in posters:
            poster.join()
        stop.set()
        reader.join()
        return self.report()

    def report(self):
        elapsed = time.monotonic() - self.started
        sent = sum(self.post_statuses.values())
        latencies = sorted(self.reader_latencies) or [0.0]
        lines = [
            f"flooded {self.args.base_url}{self.thread_path}",
            f"  {sent} posts from {self.args.workers} workers in {elapsed:.1f} s "
            f"({sent / elapsed:.0f}/s)",
            "  post answers: " + ", ".join(f"{status}: {count}" for status, count
                                           in sorted(self.post_statuses.items(), key=str)),
            "  taken posts: " + (", ".join(f"{outcome}: {count}" for outcome, count
                                          in sorted(self.post_outcomes.items())) or "none"),
            "  first 429 after: " + (f"{self.first_429_after:.2f} s"
                                     if self.first_429_after is not None else "never"),
            f"  reader: {sum(self.reader_statuses.values())} page loads, "
            + ", ".join(f"{status}: {count}" for status, count
                        in sorted(self.reader_statuses.items(), key=str)),
            f"  reader latency: median {statistics.median(latencies) * 1000:.0f} ms, "
            f"max {latencies[-1] * 1000:.0f} ms",
        ]
        limited = self.post_statuses[429] > 0
        no_server_errors = not any(isinstance(status, int) and status >= 500 or
                                   isinstance(status, str) for status in self.post_statuses)
        readers_ok = set(self.reader_statuses) == {200}
        verdict = limited and no_server_errors and readers_ok
        lines.append("limits held and readers were served" if verdict else
                     "FAILED: " + ", ".join(problem for problem, bad in (
                         ("no post was refused with 429", not limited),
                         ("posts met server errors", not no_server_errors),
                         ("the reader did not always get 200", not readers_ok)) if bad))
        return verdict, "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:5000")
    parser.add_argument("--site", default="demo", help="site key (default: the demo site)")
    parser.add_argument("--article", default="http://127.0.0.1:5000/",
                        help="article URL of the thread to flood")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--posts", type=int, default=300, help="at most this many posts")
    parser.add_argument("--seconds", type=float, default=20, help="and at most this long")
    parser.add_argument("--reader-interval", type=float, default=0.2)
    args = parser.parse_args(argv)
    args.workers = max(1, min(args.workers, 64))
    args.posts = max(1, min(args.posts, 100_000))
    args.seconds = max(0.5, min(args.seconds, 600))
    return args


def main(argv=None):
    args = parse_args(argv)
    loopback_only(args.base_url)
    verdict, report = Flood(args).run()
    print(report)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
