"""Sanitize a site's custom CSS before it is stored and served with its threads.

The thread page's CSP already forbids scripts and styles from anywhere but us, so this is
the first of two walls: the CSS is parsed with tinycss2 (a real CSS tokenizer, so escapes
like `expr\\65ssion` or `\\75rl(` are seen for what they are), every rule and declaration
is checked against an allowlist of at-rules and a blocklist of dangerous constructs, and
what survives is serialized again. What was removed is reported, so the admin can see it.
"""

import re
from dataclasses import dataclass, field

import tinycss2
from flask_babel import gettext as _

# At-rules whose content is more rules (and so is checked rule by rule) or declarations.
NESTING_AT_RULES = {"media", "supports", "container", "layer", "keyframes",
                    "-webkit-keyframes", "document", "starting-style", "scope"}
DECLARATION_AT_RULES = {"font-face", "font-feature-values", "counter-style", "property"}
# Old browser hooks that ran code from CSS.
FORBIDDEN_PROPERTIES = {"behavior", "-moz-binding", "binding", "-ms-behavior"}
FORBIDDEN_FUNCTIONS = {"expression", "-moz-binding", "javascript"}
# Functions whose string arguments are URLs, like url() itself.
URL_FUNCTIONS = {"url", "src", "image-set", "-webkit-image-set", "image"}
SAFE_URL_SCHEME = re.compile(r"^(https?:|data:image/(png|jpeg|gif|webp|avif);|data:image/(png|jpeg|gif|webp|avif),)",
                             re.IGNORECASE)
HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)


@dataclass
class SanitizedCSS:
    css: str
    removed: list[str] = field(default_factory=list)


def sanitize_css(text):
    """Return the CSS that is safe to serve and a list of what was taken out, and why."""
    removed = []
    rules = tinycss2.parse_stylesheet(text or "", skip_comments=True, skip_whitespace=True)
    kept = _clean_rules(rules, removed)
    css = tinycss2.serialize(kept).strip()
    # A "<" has no use in CSS outside strings; escaping it everywhere means the text can
    # never close a <style> element or open a tag, wherever it ends up being shown.
    css = css.replace("<", "\\3c ")
    return SanitizedCSS(css=css, removed=removed)


def _clean_rules(rules, removed):
    kept = []
    for rule in rules:
        if rule.type == "error":
            removed.append(_("a part that is not valid CSS (%(reason)s)", reason=rule.message))
        elif rule.type == "qualified-rule":
            if _unsafe_tokens(rule.prelude):
                removed.append(_("a rule with an unsafe selector"))
                continue
            rule.content = _clean_block(rule.content, removed)
            kept.append(rule)
        elif rule.type == "at-rule":
            cleaned = _clean_at_rule(rule, removed)
            if cleaned is not None:
                kept.append(cleaned)
    return _with_whitespace(kept)


def _clean_at_rule(rule, removed):
    name = rule.lower_at_keyword
    if name == "import":
        removed.append(_("@import (styles can only come from this stylesheet)"))
        return None
    if name not in NESTING_AT_RULES | DECLARATION_AT_RULES:
        removed.append(_("the at-rule @%(name)s", name=name))
        return None
    if _unsafe_tokens(rule.prelude):
        removed.append(_("an unsafe @%(name)s rule", name=name))
        return None
    if rule.content is not None:
        if name in NESTING_AT_RULES:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                             skip_whitespace=True)
            rule.content = _clean_rules(inner, removed)
        else:
            rule.content = _clean_block(rule.content, removed)
    return rule


def _clean_block(content, removed):
    """The inside of a style rule: declarations, and nested rules (CSS nesting)."""
    kept = []
    items = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    for item in items:
        if item.type == "declaration":
            reason = _unsafe_declaration(item)
            if reason:
                removed.append(reason)
            else:
                item.value = _strip_whitespace(item.value)
                kept.append(item)
        elif item.type == "error":
            removed.append(_("a part that is not valid CSS (%(reason)s)", reason=item.message))
        elif item.type == "qualified-rule":
            kept.extend(rule for rule in _clean_rules([item], removed)
                        if rule.type != "whitespace")
        elif item.type == "at-rule":
            cleaned = _clean_at_rule(item, removed)
            if cleaned is not None:
                kept.append(cleaned)
    return _on_lines(kept)


def _unsafe_declaration(declaration):
    name = declaration.lower_name
    if name in FORBIDDEN_PROPERTIES:
        return _("the property %(name)s", name=name)
    problem = _unsafe_tokens(declaration.value)
    if problem:
        return _("the declaration of %(name)s (%(problem)s)", name=name, problem=problem)
    return None


def _unsafe_tokens(tokens, in_url_function=False):
    """Why these component values are unsafe, or None."""
    for token in tokens:
        if token.type == "error":
            return _("a malformed value")
        if token.type == "url" and not _safe_url(token.value):
            return _("an address that is not https or an image")
        if token.type == "string" and in_url_function and not _safe_url(token.value):
            return _("an address that is not https or an image")
        if token.type == "function":
            if token.lower_name in FORBIDDEN_FUNCTIONS:
                return _("the function %(name)s()", name=token.lower_name)
            problem = _unsafe_tokens(token.arguments, token.lower_name in URL_FUNCTIONS)
            if problem:
                return problem
        if token.type in ("() block", "[] block", "{} block"):
            problem = _unsafe_tokens(token.content, in_url_function)
            if problem:
                return problem
    return None


def _safe_url(url):
    """https/http, raster images inline, or a relative address (which points at us)."""
    url = "".join(url.split())  # browsers ignore whitespace and newlines inside schemes
    return bool(SAFE_URL_SCHEME.match(url)) or not HAS_SCHEME.match(url)


def _with_whitespace(rules):
    spaced = []
    for rule in rules:
        spaced.extend([rule, tinycss2.ast.WhitespaceToken(0, 0, "\n")])
    return spaced


def _strip_whitespace(tokens):
    tokens = list(tokens)
    while tokens and tokens[-1].type == "whitespace":
        tokens.pop()
    return tokens


def _on_lines(items):
    """One declaration or nested rule a line, so the stored CSS reads well in the form."""
    lines = []
    for item in items:
        lines.extend([tinycss2.ast.WhitespaceToken(0, 0, "\n  "), item])
    if lines:
        lines.append(tinycss2.ast.WhitespaceToken(0, 0, "\n"))
    return lines
