"""Sanitizing imported comments, in worker processes when a file is big.

bleach is pure Python and takes most of a big import's time (about half a millisecond a
comment), so with `workers` > 1 each batch is rendered in a process pool while the main
process goes on parsing and inserting. markup.py still does the rendering: this module
only decides where it runs.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from ..markup import clean_html, render_comment, render_markdown_with_html


def render_all(sources):
    """[(html or None, text, markdown with HTML?)] → sanitized HTML: old HTML cleaned,
    Markdown rendered (letting HTML through where the source system did, as Isso)."""
    return [_render(*source) for source in sources]


def _render(html, text, markdown_with_html):
    if html is not None:
        return clean_html(html)
    if markdown_with_html:
        return render_markdown_with_html(text)
    return render_comment(text)


class _Rendered:
    """A batch rendered on the spot, shaped like a Future."""

    def __init__(self, htmls):
        self._htmls = htmls

    def result(self):
        return self._htmls


class Renderer:
    """Renders batches inline, or (workers > 1) in a pool started with the first batch.

    The pool uses the forkserver start method: its workers share none of the main
    process's database connections.
    """

    def __init__(self, workers=1):
        self.workers = workers
        self._pool = None

    @property
    def queue_depth(self):
        """How many batches may wait for their HTML before the oldest is inserted."""
        return self.workers if self.workers > 1 else 0

    def submit(self, sources):
        if self.workers <= 1:
            return _Rendered(render_all(sources))
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["widget.markup"])
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        return self._pool.submit(render_all, sources)

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
