"""The one place user text becomes HTML: a Markdown subset, then bleach's allowlist."""

import re
from functools import lru_cache, partial

import bleach
from bleach.linkifier import TLDS, LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li"}
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel", "target"], "ol": ["start"]}
ALLOWED_PROTOCOLS = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener noreferrer"
ABSOLUTE_LINK_PREFIXES = ("http://", "https://", "mailto:")
# For HTML from other systems (clean_html): old emphasis tags, and what marks a paragraph.
_OLD_EMPHASIS = re.compile(r"<(/?)(b|i)(?=[\s>/])", re.IGNORECASE)
_BLOCK_TAG = re.compile(r"<(p|pre|blockquote|ul|ol)[\s>]")
_BLANK_LINE = re.compile(r"\n\s*\n")

# HTML off (as the js-default preset); headings, images, tables and rules are not
# part of a comment, so they stay literal text.
_markdown = (
    MarkdownIt("commonmark", {"html": False, "breaks": True})
    .disable(["heading", "lheading", "image", "hr", "html_block", "html_inline"])
)
# Isso renders its stored text as Markdown that lets HTML through (its Disqus migrator
# stores the Disqus HTML as is); imports from Isso are rendered the same way, and the
# allowlist below still decides what survives.
_markdown_with_html = (
    MarkdownIt("commonmark", {"html": True, "breaks": True})
    .disable(["heading", "lheading", "image", "hr"])
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


# Chinese, Japanese and Korean scripts, and their full-width forms and punctuation.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"


def _link_pattern(tlds=TLDS, protocols=ALLOWED_PROTOCOLS):
    """What auto-linking treats as a link: bleach's URL pattern, with word boundaries a
    reader would see.

    A link with a scheme or "www." is one wherever it stands, in CJK text too, which has
    no spaces between words. A bare domain is one only on its own: not glued to the
    letters around it, and never made of CJK characters (`木有我的.com` is a sentence,
    not a host name).
    """
    tld = "|".join(sorted(tlds, key=len, reverse=True))
    label = r"[\w-]+"
    bare_label = rf"[^\W_{_CJK}][^\W_{_CJK}]*(?:-+[^\W_{_CJK}]+)*"
    path = r"""(?:[/?][^\s\{\}\|\\\^`<>"]*)?"""
    port = r"(?:\:[0-9]+)?"
    return re.compile(
        rf"""\(*(?:
            (?<![A-Za-z0-9@.+-])(?:{"|".join(sorted(protocols))}):/{{0,3}}(?:(?:\w+:)?\w+@)?
                ({label}\.)+(?:{tld}){port}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])
            | (?<![A-Za-z0-9@._-])www\.({label}\.)*(?:{tld}){port}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])
            | (?<![\w@.-])({bare_label}\.)+(?:{tld}){port}(?![\w-]|\.\w)
        ){path}""",
        re.IGNORECASE | re.VERBOSE | re.UNICODE,
    )


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_external_link], skip_tags={"pre", "code"},
                     url_re=_link_pattern())],
)


@lru_cache(maxsize=64)
def render_comment(source):
    """Turn a commenter's Markdown into sanitized HTML, stored so reads never re-render.

    A pure function of the text: the few most recent results are kept, because a post is
    rendered twice (the guard counts its links, then it is stored)."""
    return _cleaner.clean(_markdown.render(source)).strip()


def render_markdown_with_html(source):
    """Turn Isso's stored text (Markdown with inline HTML) into sanitized HTML.

    Isso shows `<p>Greetings</p>` as a paragraph, not as tags: imported comments must read
    as they did there. Old <b>/<i> become <strong>/<em>, as in clean_html.
    """
    return _cleaner.clean(_modern_emphasis(_markdown_with_html.render(source))).strip()


def _modern_emphasis(html):
    return _OLD_EMPHASIS.sub(lambda m: f"<{m[1]}{'strong' if m[2].lower() == 'b' else 'em'}", html)


def clean_html(html):
    """Sanitize HTML written by another comment system (imports) with the same allowlist.

    Old systems mark emphasis with <b>/<i> (kept as <strong>/<em>), and some (WordPress)
    mark paragraphs only by blank lines and breaks by newlines: when nothing block-level
    survives the clean, the text is split into paragraphs and cleaned again. The result
    is a fixed point (cleaning it again changes nothing), so an export restores exactly.
    """
    cleaned = _cleaner.clean(_modern_emphasis(html)).strip()
    if cleaned and not _BLOCK_TAG.search(cleaned):
        paragraphs = (part.strip() for part in _BLANK_LINE.split(cleaned))
        cleaned = _cleaner.clean("".join(
            "<p>" + part.replace("\n", "<br>\n") + "</p>" for part in paragraphs if part
        )).strip()
    return cleaned


def trusted(html):
    """Mark HTML that this module's renderers produced (and only that) as safe for templates."""
    return Markup(html)


def count_links(html):
    return html.count("<a ")
