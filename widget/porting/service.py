"""Run an import as one transaction: the whole file is stored, or (on any error) nothing.

The command line calls run_import with an open binary file; an upload view can call it
the same way with the uploaded stream (it needs nothing from the request).
"""

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..privacy import current_period, salt_for
from .disqus import read_disqus
from .isso import read_isso
from .json_format import read_json
from .opening import gunzipped, is_gzip
from .progress import tracked
from .stream import ImportRefused, Note
from .words import words
from .unprepared import unprepared_statements
from .wordpress import read_wordpress
from .writer import ImportWriter

READERS = {
    "disqus": read_disqus,
    "wordpress": read_wordpress,
    "isso": read_isso,
    "json": read_json,
}
# Files that are text (XML, JSON) may come gzip-compressed, as Disqus mails its export.
MAY_BE_GZIP = {"disqus", "wordpress", "json"}
# Why a file with no comments at all is refused rather than "imported" with nothing added.
NO_COMMENTS = {
    "disqus": _l("It is a Disqus export, but it holds no <post> element: there is nothing "
                 "to import."),
    "wordpress": _l("It is a WordPress export, but none of its <item>s holds a "
                    "<wp:comment>: there is nothing to import."),
    "isso": _l("It is an Isso database, but its comments table is empty: there is nothing "
               "to import."),
}


def run_import(format_name, fileobj, site=None, *, on_progress=None, workers=1,
               before_commit=None, **options):
    """Import `fileobj` (binary) of a format in READERS into `site` → ImportReport.

    The report's reasons and refusals are put into words where they are shown (words.py,
    lazy messages): in the reader's language on the dashboard, in English on the command
    line, which has no request. A reason quoting a message made during the import (an
    unusable URL or name) has it in the request's language, the one it is shown in.

    `site` is required except for "json", whose file names its own sites (restored by
    key). `on_progress(done, total)` hears how far the reader is; `workers` > 1
    sanitizes in that many processes (for big files, from the command line).
    `before_commit(report)` may add rows (an audit entry) that are then stored with the
    import, or not at all. Raises ImportRefused (unsafe, broken or foreign file) after
    rolling everything back.
    """
    if site is None and format_name != "json":
        raise ValueError(f"A {format_name} import needs the site to import into.")
    compressed = format_name in MAY_BE_GZIP and is_gzip(fileobj)
    if compressed:  # progress counts the bytes of the file, not of what they expand to
        fileobj, on_progress = gunzipped(tracked(fileobj, on_progress)), None
    items = READERS[format_name](fileobj, site=site, on_progress=on_progress, **options)
    # The first IP hash of a period makes its salt and commits (privacy.salt_for): let that
    # happen now, before the import has written anything it could commit half of.
    salt_for(current_period())
    try:
        with unprepared_statements():  # PostgreSQL: see unprepared.py for the memory it saves
            writer = ImportWriter(site, restore=format_name == "json", workers=workers)
            report = writer.write(items)
            if not report.comments_in_file and format_name in NO_COMMENTS:
                raise ImportRefused(NO_COMMENTS[format_name])
            if compressed:
                report.notes.insert(0, Note(words("the file"), words(
                    "was gzip-compressed; it was read uncompressed")))
            if before_commit is not None:
                before_commit(report)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report
