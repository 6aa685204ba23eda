"""opening.py: what comes before a file's XML, and gzip, handled before the parser sees it."""

import gzip
from io import BytesIO

import pytest

from widget.porting.opening import gunzipped, is_gzip, without_stray_prefix
from widget.porting.stream import ImportRefused

XML = b'<?xml version="1.0"?><disqus/>'


@pytest.mark.parametrize(("raw", "rest", "skipped"), [
    (XML, XML, ""),
    (b"`" + XML, XML, "`"),
    (b"\n" + XML, XML, "\n"),
    (b"\xef\xbb\xbf" + XML, b"\xef\xbb\xbf" + XML, ""),
    (b"\xef\xbb\xbf \n" + XML, b"\xef\xbb\xbf" + XML, " \n"),
    (b"\n  <disqus/>", b"\n  <disqus/>", ""),  # white space before a root is allowed
    (b"junk<disqus/>", b"<disqus/>", "junk"),
    (XML.decode().encode("utf-16"), XML.decode().encode("utf-16"), ""),
    (b"no markup at all", b"no markup at all", ""),
])
def test_what_comes_before_the_xml(raw, rest, skipped):
    stream, prefix = without_stray_prefix(BytesIO(raw + b"x" * 5000))
    assert prefix == skipped
    assert stream.read(3) + stream.read() == rest + b"x" * 5000


def test_gzip_is_recognised_and_its_damage_refused():
    packed = gzip.compress(XML * 1000)
    assert is_gzip(BytesIO(packed)) and not is_gzip(BytesIO(XML))
    assert gunzipped(BytesIO(packed)).read() == XML * 1000
    with pytest.raises(ImportRefused, match="damaged or cut short"):
        gunzipped(BytesIO(packed[:-30])).read()
