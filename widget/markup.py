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

# markdown-it stops parsing (and drops the rest of the text) at this many open elements;
# a list level takes two (<ul><li>), a quote one. Quotes and lists start no deeper than
# NESTING_LIMIT, so the paragraph inside the deepest one still fits under the limit.
MAX_NESTING = 20
NESTING_LIMIT = MAX_NESTING - 2
NESTING_RULES = ("blockquote", "list")
# An invisible hyphenation hint that copied text often carries, also inside host names.
SOFT_HYPHEN = "\u00ad"


class _CommentMarkdown(MarkdownIt):
    """A link whose target would be dropped is not a link at all: its text stays as typed."""

    def validateLink(self, url):
        return url.lower().startswith(ABSOLUTE_LINK_PREFIXES)


def _flat_beyond_limit(rule):
    """A quote or list opened deeper than NESTING_LIMIT is not opened: its lines stay
    text (markers included) in the enclosing block, instead of being silently dropped."""

    def nesting_rule(state, start_line, end_line, silent):
        if state.level >= NESTING_LIMIT:
            return False
        return rule(state, start_line, end_line, silent)

    return nesting_rule


def _build_markdown(html=False):
    # HTML off (as the js-default preset); headings, images, tables and rules are not
    # part of a comment, so they stay literal text.
    markdown = (
        _CommentMarkdown("commonmark", {"html": html, "breaks": True, "maxNesting": MAX_NESTING})
        .disable(["heading", "lheading", "image", "hr"]
                 + ([] if html else ["html_block", "html_inline"]))
    )
    for rule in markdown.block.ruler.__rules__:
        if rule.name in NESTING_RULES:
            markdown.block.ruler.at(rule.name, _flat_beyond_limit(rule.fn), {"alt": list(rule.alt)})
    return markdown


_markdown = _build_markdown()
# Isso renders its stored text as Markdown that lets HTML through (its Disqus migrator
# stores the Disqus HTML as is); imports from Isso are rendered the same way, and the
# allowlist below still decides what survives.
_markdown_with_html = _build_markdown(html=True)


def _external_link(attrs, new=False):
    """Every link is absolute, opens in a new tab and passes no ranking or referrer.

    A relative link would resolve against this service inside the iframe: drop it,
    keeping its text.
    """
    href = attrs.get((None, "href"), "")
    if not href.lower().startswith(ABSOLUTE_LINK_PREFIXES):
        return None
    if new and SOFT_HYPHEN in href:
        attrs[(None, "href")] = _without_soft_hyphens_in_host(href)
    attrs[(None, "rel")] = LINK_REL
    attrs[(None, "target")] = "_blank"
    return attrs


def _without_soft_hyphens_in_host(href):
    """A browser maps a soft hyphen in a host name to nothing (IDNA); so does the link."""
    scheme, _, rest = href.partition("://")
    host_end = min((rest.find(char) for char in "/?#" if char in rest), default=len(rest))
    return f"{scheme}://{rest[:host_end].replace(SOFT_HYPHEN, '')}{rest[host_end:]}"


class _LiteralTextLinkifyFilter(LinkifyFilter):
    """Bleach's linkifier, reading text as the text it is.

    The sanitizer before it has already turned every character reference in the text
    into either an Entity token or the character itself ("&amp;" → "&"), so an "&" left
    in a Characters token is a literal ampersand. Bleach's own extract_entities reads
    such text as HTML once more, which turned a typed "&amp;copy;" into "©" and made
    cleaning not idempotent ("&amp;amp;lt;" → "&amp;lt;" → "&lt;"). Here it is left as
    text, and the serializer escapes it.
    """

    def extract_entities(self, token):
        yield token


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
    label = r"[\w\u00ad-]+"  # a soft hyphen may sit in a host name
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
    filters=[partial(_LiteralTextLinkifyFilter, callbacks=[_external_link],
                     skip_tags={"pre", "code"}, url_re=_link_pattern())],
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
    """Mark HTML that render_comment or clean_html produced (and only that) as safe for templates.

    A code block scrolls sideways, so keyboard readers must be able to focus it (axe's
    scrollable-region-focusable). The sanitizer keeps no attribute on <pre> and escapes a
    typed "<pre>", so the literal tag is always one of ours; done here, on output, it
    covers comments stored before too."""
    return Markup(html.replace("<pre>", '<pre tabindex="0">'))


def count_links(html):
    return html.count("<a ")
