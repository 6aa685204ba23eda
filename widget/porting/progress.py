"""Progress of a streaming import: how many bytes of the file the parser has read."""

import os


class CountingReader:
    """A binary file that tells `on_progress(bytes_read, total_bytes)` as it is read."""

    def __init__(self, fileobj, on_progress):
        self._fileobj = fileobj
        self._on_progress = on_progress
        self._bytes_read = 0
        self._total = _size_of(fileobj)

    def read(self, size=-1):
        chunk = self._fileobj.read(size)
        self._bytes_read += len(chunk)
        self._on_progress(self._bytes_read, self._total)
        return chunk


def tracked(fileobj, on_progress):
    """The file itself, or a counting wrapper when someone watches the progress."""
    return CountingReader(fileobj, on_progress) if on_progress else fileobj


def _size_of(fileobj):
    try:
        return os.fstat(fileobj.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None
