"""Untrusted XML read safely and in constant memory: defusedxml's iterparse, cleared as it goes.

Entity declarations are refused outright (a "billion laughs" file would expand to
gigabytes, an external entity would read local files or the network), and each element
is dropped from the tree once its reader has taken what it needs.
"""

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError, iterparse

from .stream import ImportRefused

REFUSED_XML = {
    EntitiesForbidden: "declares XML entities",
    ExternalReferenceForbidden: "refers to an external resource",
    DTDForbidden: "carries a document type definition",
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
                    raise ImportRefused(
                        f"This is not a {format_label} export: its root element is "
                        f"<{local_name(element.tag)}>, not <{root_name}>."
                    )
                open_elements.append(element)
                continue
            open_elements.pop()
            if len(open_elements) == depth:
                yield element
                open_elements[-1].clear()
    except DefusedXmlException as error:
        raise ImportRefused(_refusal(error)) from None
    except ParseError as error:
        raise ImportRefused(
            f"The file is not well-formed XML ({error}); nothing was imported."
        ) from None


def _refusal(error):
    what = next((text for kind, text in REFUSED_XML.items() if isinstance(error, kind)),
                "uses an XML feature that is refused")
    return (f"The file {what} ({error}). Exports from Disqus and WordPress never do; such "
            "files can exhaust memory or read local files, so they are refused and nothing "
            "was imported.")
