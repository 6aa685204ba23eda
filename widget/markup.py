"""The one place user text becomes HTML: a Markdown subset, then bleach's allowlist."""

from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel", "target"], "ol": ["start"]}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"
ABSOLUTE_LINK_PREFIXES = ("http://", "https://", "mailto:")

# HTML off (as the js-default preset); headings, images, tables and rules are not
# part of a comment, so they stay literal text.
_markdown = (
    MarkdownIt("commonmark", {"html": False, "breaks": True})
    .disable(["heading", "lheading", "image", "hr", "html_block", "html_inline"])
)


def _external_link(attrs, new=False):
    """Every link is absolute, opens in a new tab and passes no ranking or referrer.

    A relative link would resolve against this service inside the iframe: drop it,
    keeping its text.
    """
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(ABSOLUTE_LINK_PREFIXES):
        return None
    attrs[(None, "rel")] = LINK_REL
    attrs[(None, "target")] = "_blank"
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_external_link], skip_tags={"pre", "code"})],
)


def render_comment(source):
    """Turn a commenter's Markdown into sanitized HTML, stored so reads never re-render."""
    return _cleaner.clean(_markdown.render(source)).strip()


def trusted(html):
    """Mark HTML that render_comment produced (and only that) as safe for templates."""
    return Markup(html)


def count_links(html):
    return html.count("<a ")
