"""Bytes a reader downloads on a thread's first load, fetched from a running server with
`Accept-Encoding: gzip`: raw (uncompressed) and compressed sizes, and the number of
requests after the host page.

Ours: embed.js, the thread page as embed.js frames it, and every stylesheet, script and
image the page references (as a browser with scripts on: not those in <noscript>). Isso: what its client fetches (embed.min.js, isso.css,
/config and the thread's JSON). When a server does not compress an answer, its
"compressed" size is gzip at level 6 (what a reverse proxy would send), and the row says so.
"""

import gzip
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

from .server import fetch

GZIP_LEVEL = 6
ACCEPT_GZIP = {"Accept-Encoding": "gzip"}


@dataclass
class Download:
    name: str
    url: str
    status: int
    raw: int  # bytes after undoing any content coding
    compressed: int  # as sent when the server gzipped it, else gzip -6 of the raw bytes
    served_gzipped: bool

    def as_dict(self):
        return dict(self.__dict__)


def download(url, name):
    answer = fetch(url, headers=ACCEPT_GZIP)
    content = answer.content
    served_gzipped = answer.headers.get("content-encoding") == "gzip"
    compressed = len(answer.body) if served_gzipped else len(gzip.compress(content, GZIP_LEVEL))
    return Download(name, url, answer.status, len(content), compressed, served_gzipped), answer


class _References(HTMLParser):
    """The stylesheets, scripts and images a page makes a browser with scripts fetch
    (not what is inside <noscript>)."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.in_noscript = 0

    def handle_endtag(self, tag):
        if tag == "noscript":
            self.in_noscript = max(0, self.in_noscript - 1)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "noscript":
            self.in_noscript += 1
        elif self.in_noscript:
            return
        if tag == "link" and "stylesheet" in (attributes.get("rel") or "").split():
            self._add("stylesheet", attributes.get("href"))
        elif tag == "script":
            self._add("script", attributes.get("src"))
        elif tag == "img":
            self._add("image", attributes.get("src"))

    def _add(self, kind, url):
        if url and not url.startswith("data:") and (kind, url) not in self.found:
            self.found.append((kind, url))


def page_references(html):
    parser = _References()
    parser.feed(html)
    return parser.found


def ours(base_url, site_key, article_url, origin, title="Bench thread"):
    """[Download] for our first load of the thread at `article_url`."""
    loader, _ = download(f"{base_url}/embed.js", "embed.js")
    query = urlencode({"url": article_url, "origin": origin, "title": title})
    page_url = f"{base_url}/t/{site_key}?{query}"
    page, answer = download(page_url, "thread page")
    rows = [loader, page]
    for kind, url in page_references(answer.text):
        rows.append(download(urljoin(page_url, url), f"{kind} {url.split('?')[0]}")[0])
    return rows


def isso(base_url, uri):
    """[Download] for Isso's client's first load of the thread at `uri`: its script (with
    the styles it injects), isso.css, /config and the comments with the client's default
    of 5 replies per comment."""
    return [
        download(f"{base_url}/js/embed.min.js", "embed.min.js")[0],
        download(f"{base_url}/css/isso.css", "isso.css")[0],
        download(f"{base_url}/config", "/config")[0],
        download(f"{base_url}/?" + urlencode({"uri": uri, "nested_limit": 5}), "thread JSON")[0],
    ]


def totals(rows):
    return {"requests": len(rows), "raw": sum(r.raw for r in rows),
            "compressed": sum(r.compressed for r in rows),
            "all_ok": all(r.status == 200 for r in rows)}
