"""Export files as people have them: gzip-compressed (Disqus mails its export as .xml.gz),
or with stray characters before the XML declaration (hand-edited files, remark42's)."""

import gzip
import zlib

from flask_babel import lazy_gettext as _l

from .stream import ImportRefused
from .words import counted_words, words

GZIP_MAGIC = b"\x1f\x8b"
XML_DECLARATION = b"<?xml"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # such a file is the parser's to decode, untouched
LOOK_AHEAD = 1024  # stray characters are a few at most; further in, the parser judges


class _Gunzipped:
    """A gzip stream whose damage is a refusal, not a crash halfway through the parse."""

    def __init__(self, fileobj):
        self._gzip = gzip.GzipFile(fileobj=fileobj, mode="rb")

    def read(self, size=-1):
        try:
            return self._gzip.read(size)
        except (OSError, EOFError, zlib.error) as error:
            raise ImportRefused(_l("The gzip-compressed file is damaged or cut short "
                                   "(%(error)s); nothing was imported.",
                                   error=str(error))) from None


def is_gzip(fileobj):
    """Whether the (seekable or peekable) binary file starts as gzip does."""
    if hasattr(fileobj, "peek"):
        return fileobj.peek(2)[:2] == GZIP_MAGIC
    if fileobj.seekable():
        start = fileobj.tell()
        magic = fileobj.read(2)
        fileobj.seek(start)
        return magic == GZIP_MAGIC
    return False


def gunzipped(fileobj):
    """The file's uncompressed bytes, read as they are needed (never all in memory)."""
    return _Gunzipped(fileobj)


class _Prepended:
    """Bytes already read from a file, then the rest of the file."""

    def __init__(self, head, fileobj):
        self._head = head
        self._fileobj = fileobj

    def read(self, size=-1):
        if not self._head:
            return self._fileobj.read(size)
        if size is None or size < 0:
            chunk, self._head = self._head + self._fileobj.read(), b""
        else:
            chunk, self._head = self._head[:size], self._head[size:]
        return chunk


def without_stray_prefix(fileobj):
    """(the file from its first "<", what came before it when that was not allowed there).

    XML allows nothing before its declaration, not even a newline, and nothing but white
    space before the root element; an editor or a tool sometimes leaves a character or a
    line there. Such a prefix is dropped, so the rest is read when it is well-formed.
    """
    head = fileobj.read(LOOK_AHEAD)
    if head.startswith(UTF16_BOMS):
        return _Prepended(head, fileobj), ""
    bom = UTF8_BOM if head.startswith(UTF8_BOM) else b""
    start = head.find(b"<", len(bom))
    if start <= len(bom):
        return _Prepended(head, fileobj), ""
    prefix, rest = head[len(bom):start], head[start:]
    if not rest.startswith(XML_DECLARATION) and not prefix.strip():
        return _Prepended(head, fileobj), ""  # white space before a root element is fine
    return _Prepended(bom + rest, fileobj), prefix.decode("utf-8", "replace")


def stray_prefix_note(prefix):
    """The report's words for what without_stray_prefix dropped."""
    return (counted_words("%(num)s character before the XML declaration or root element",
                          "%(num)s characters before the XML declaration or root element",
                          len(prefix)),
            words("skipped (%(characters)s); the rest of the file was read",
                  characters=repr(prefix[:40])))
