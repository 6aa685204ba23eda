"""Bytes a reader downloads on a thread's first load, fetched from a running server, two
ways: as a browser gets it (Chromium's `Accept-Encoding: gzip, deflate, br, zstd`: we answer
zstd or br) and with `Accept-Encoding: gzip` for both servers alike; and the number of
requests after the host page.

Ours: embed.js, the thread page as embed.js frames it, and every stylesheet, script and
image the page references (as a browser with scripts on: not those in <noscript>). Isso: what its client fetches (embed.min.js, isso.css,
/config and the thread's JSON). Isso's server compresses nothing: deployed behind nginx
(`gzip on`, level 6, its documented setup) a browser gets gzip -6, and that is what a row
counts when a server does not compress an answer ("gzip -6" in the row). For fairness the
brotli size of each answer is given too (quality 11, as a precompressed file would be: the
best Isso could get from a proxy).

Also the markup a comment costs beyond its author, text and date (issue 15), and
`python -m bench.first_load [--isso]`: this part of `make bench` alone, on a 200-comment
thread (seconds, where the whole bench takes minutes).
"""

import argparse
import gzip
import re
import tempfile
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin

import brotli

from .seed import ORIGIN, article_path
from .server import fetch

GZIP_LEVEL = 6
BROTLI_QUALITY = 11
ACCEPT_GZIP = {"Accept-Encoding": "gzip"}
ACCEPT_CHROMIUM = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # Chromium 123 and later


@dataclass
class Download:
    name: str
    url: str
    status: int
    raw: int  # bytes after undoing any content coding
    compressed: int  # gzip: as sent when the server gzipped it, else gzip -6 of the raw bytes
    served_gzipped: bool
    browser: int  # as sent to Chromium's Accept-Encoding, else gzip -6 of the raw bytes
    browser_coding: str  # the server's content coding for Chromium, or "gzip -6" (a proxy's)
    brotli: int  # brotli at quality 11 of the raw bytes

    def as_dict(self):
        return dict(self.__dict__)


def download(url, name):
    answer = fetch(url, headers=ACCEPT_GZIP)
    content = answer.content
    gzipped = None if answer.headers.get("content-encoding") == "gzip" else len(gzip.compress(content, GZIP_LEVEL))
    as_browser = fetch(url, headers=ACCEPT_CHROMIUM)
    coding = as_browser.headers.get("content-encoding")
    as_browser.content  # noqa: B018 (decodes, or raises on a coding we cannot undo)
    return Download(name, url, answer.status, len(content), gzipped or len(answer.body), gzipped is None,
                    len(as_browser.body) if coding else gzipped or len(answer.body), coding or "gzip -6",
                    len(brotli.compress(content, quality=BROTLI_QUALITY))), answer


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
            "compressed": sum(r.compressed for r in rows), "browser": sum(r.browser for r in rows),
            "brotli": sum(r.brotli for r in rows),
            "all_ok": all(r.status == 200 for r in rows)}


# What markup_per_comment strips: a comment's author (name and picture), text and date.
AUTHOR = re.compile(r'(<(bdi|a) class=comment-author[^>]*>).*?(</\2>)')
AVATAR = re.compile(r'<span class=comment-avatar><noscript><img src=/avatar/[0-9a-f]+\.svg alt="">'
                    r'</noscript></span>')
BODY = re.compile(r'(<div class=comment-body dir=auto>).*?(</div>)(?=<footer>|</article>|<div )', re.S)
DATE = re.compile(r'<time datetime=[^ >]*(?: title="[^"]*")?>[^<]*</time>')  # the long date on hover too


def comment_listing(page):
    """The thread page's comments, from the first <article> to the last </article>."""
    return page[page.index("<article"):page.rindex("</article>") + len("</article>")]


def without_author_text_and_date(listing):
    listing = AUTHOR.sub(r"\1\3", listing)
    listing = AVATAR.sub("", listing)
    listing = BODY.sub(r"\1\2", listing)
    return DATE.sub('<time datetime=></time>', listing)


def markup_per_comment(page):
    """Bytes of markup per comment beyond its author, text and date, and the comments."""
    listing = comment_listing(page)
    comments = listing.count("<article ")
    return len(without_author_text_and_date(listing).encode()) / comments, comments


def main(argv=None):
    from . import ours, peer_isso
    from .seed import seed_widget

    parser = argparse.ArgumentParser(description="First load of the bench's 200-comment thread.")
    parser.add_argument("--isso", action="store_true", help="Isso's too (installs it once, seeds it)")
    options = parser.parse_args(argv)
    size = 200
    with tempfile.TemporaryDirectory(prefix="bench-first-load-") as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite"
        site_key = seed_widget(database_url, (size,), small_threads=0)
        with ours.gunicorn_for(database_url, f"{folder}/gunicorn.log") as server:
            found = {"ours": ours_rows(server.url, site_key, size)}
            page = fetch(ours.page_url(server.url, site_key, article_path(size))).text
            per_comment, comments = markup_per_comment(page)
        if options.isso:
            with peer_isso.gunicorn_for(folder, f"{folder}/isso.log") as server:
                peer_isso.seed(server.url, (size,), log=lambda message: None)
                found["Isso"] = isso(server.url, article_path(size))
    print("| request | raw bytes | as a browser gets it | coding | gzip | brotli 11 |\n"
          "| --- | --- | --- | --- | --- | --- |")
    for who, rows in found.items():
        for row in rows:
            print(f"| {who}: {row.name} | {row.raw:,} | {row.browser:,} | {row.browser_coding} | "
                  f"{row.compressed:,}{'' if row.served_gzipped else ' (gzip -6)'} | {row.brotli:,} |")
    for who, rows in found.items():
        total = totals(rows)
        print(f"{who}: {total['browser']:,} bytes as a browser gets them, {total['compressed']:,} gzipped, "
              f"{total['brotli']:,} with brotli 11, in {total['requests']} requests "
              f"({total['raw']:,} raw){'' if total['all_ok'] else ', NOT ALL 200'}")
    print(f"ours: {per_comment:,.0f} bytes of markup per comment beyond its author, text and date "
          f"({comments} comments on the page)")


def ours_rows(base_url, site_key, size):
    return ours(base_url, site_key, ORIGIN + article_path(size), ORIGIN)


if __name__ == "__main__":
    main()
