"""Where a JSON parse error is, as a line and column, from the parser's own context.

yajl (ijson's fast backend) reports an error over three lines: the message, about 30
characters around the error (line breaks shown as spaces) and a "(right here) ------^"
marker. The site owner needs one line saying where: the reader keeps the last two chunks
it handed the parser, finds the context in them and counts the lines before it.
"""

import re

MARKER = re.compile(r"^\s*\(right here\) -*\^", re.MULTILINE)


class PositionedReader:
    """A binary file that remembers enough of what it gave out to place an error."""

    def __init__(self, fileobj):
        self._fileobj = fileobj
        self._chunks = [b"", b""]
        self._start = 0  # file offset of self._chunks[0]
        self._lines_before = 0  # newlines before self._chunks[0]

    def read(self, size=-1):
        chunk = self._fileobj.read(size)
        dropped = self._chunks.pop(0)
        self._start += len(dropped)
        self._lines_before += dropped.count(b"\n")
        self._chunks.append(chunk)
        return chunk

    def describe(self, error):
        """The parser's message on one line, with the line and column when they are found."""
        message = str(error).strip().splitlines()[0].rstrip(".") if str(error).strip() else "unreadable"
        place = self._place(str(error))
        return f"{message}, line {place[0]}, column {place[1]}" if place else message

    def _place(self, text):
        lines = text.splitlines()
        marker = MARKER.search(text)
        if marker is None or len(lines) < 3:
            return None
        # The context is padded so that the byte the parser stopped after sits just
        # before the caret.
        padding = len(lines[1]) - len(lines[1].lstrip(" "))
        context = lines[1][padding:].encode()
        offset_in_context = text[marker.start():marker.end()].index("^") - padding - 1
        seen = b"".join(self._chunks)
        flattened = seen.replace(b"\n", b" ").replace(b"\r", b" ").replace(b"\t", b" ")
        if context.strip():
            found = flattened.rfind(context)
            if found < 0:
                return None
            position = found + max(offset_in_context, 0)
        else:  # the file ended early: the error is at its end
            position = len(seen)
        before = seen[:position]
        line = self._lines_before + before.count(b"\n") + 1
        # (a line longer than two chunks is counted from the older chunk's start)
        line_start = before.rfind(b"\n") + 1
        return line, len(before[line_start:].decode("utf-8", "replace")) + 1
