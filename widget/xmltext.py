"""Characters XML 1.0 cannot carry, removed from everything we write as XML (the feeds).

One such character (U+FFFF, say, in a name) makes the whole document ill-formed, and a
feed reader then shows nothing at all. The forms drop them on input; stored and imported
text may still hold them, so they are removed again from each document on output.
"""

import re

# XML 1.0 §2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
NOT_XML_CHARACTER = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The two that Unicode's control (Cc) and surrogate (Cs) categories do not cover.
XML_FORBIDDEN_NONCHARACTERS = frozenset("\ufffe\uffff")


def xml_safe(text):
    """The text without the characters XML 1.0 forbids (no character reference can
    stand for them either, so they are dropped, not escaped)."""
    return NOT_XML_CHARACTER.sub("", text)
