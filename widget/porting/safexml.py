"""Untrusted XML read safely and in constant memory: defusedxml's iterparse, cleared as it goes.

Entity declarations are refused outright (a "billion laughs" file would expand to
gigabytes, an external entity would read local files or the network), and each element
is dropped from the tree once its reader has taken what it needs.
"""

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from defusedxml.ElementTree import ParseError, iterparse
from flask_babel import lazy_gettext as _l

from .stream import ImportRefused

REFUSED_XML = {  # what the file does, with defusedxml's words for it
    EntitiesForbidden: lambda error: _l("The file declares XML entities (%(error)s).",
                                        error=error),
    ExternalReferenceForbidden: lambda error: _l(
        "The file refers to an external resource (%(error)s).", error=error),
    DTDForbidden: lambda error: _l("The file carries a document type definition (%(error)s).",
                                   error=error),
}


def local_name(tag):
    """"{http://wordpress.org/export/1.2/}comment" → "comment": namespaces vary by version."""
    return tag.rpartition("}")[2]


def complete_elements(fileobj, depth, root_name, format_label):
    """Yield each element `depth` levels below the root once it is complete.

    The root must be named `root_name` (ignoring its namespace), or the file is refused
    as not being a `format_label` export. After the consumer is done with an element,
    its parent is cleared, so memory stays flat however long the file is.
    """
    try:
        open_elements = []
        for event, element in iterparse(fileobj, events=("start", "end")):
            if event == "start":
                if not open_elements and local_name(element.tag) != root_name:
                    raise ImportRefused(_l(
                        "This is not a %(format)s export: its root element is <%(found)s>, "
                        "not <%(expected)s>.", format=format_label,
                        found=local_name(element.tag), expected=root_name))
                open_elements.append(element)
                continue
            open_elements.pop()
            if len(open_elements) == depth:
                yield element
                open_elements[-1].clear()
    except DefusedXmlException as error:
        raise ImportRefused(_refusal(error)) from None
    except ParseError as error:
        raise ImportRefused(_l("The file is not well-formed XML (%(error)s); nothing was "
                               "imported.", error=str(error))) from None


def _refusal(error):
    describe = next((words for kind, words in REFUSED_XML.items() if isinstance(error, kind)),
                    lambda error: _l("The file uses an XML feature that is refused "
                                     "(%(error)s).", error=error))
    return _l("%(what)s Exports from Disqus and WordPress never do; such files can exhaust "
              "memory or read local files, so they are refused and nothing was imported.",
              what=describe(str(error)))
