"""Article URL normalization: one article, one thread, whatever link a reader came by."""

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from flask_babel import gettext as _

from .i18n import count_text

DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PARAMS = {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
                   "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "twclid", "ttclid"}
MAX_URL_LENGTH = 2048
# RFC 3986: what a path may hold unescaped (unreserved, sub-delims, ":", "@", "/"), and
# an escape, whose hex case differs between browsers and exports.
PATH_SAFE = "-._~!$&'()*+,;=:@/"
UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
HOST_PATTERN = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


class InvalidURL(ValueError):
    """Raised with a message fit to show the site owner or reader."""


def _split(url):
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL(_("The article URL is missing."))
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(
            count_text("The article URL is longer than %(num)s character.",
                       "The article URL is longer than %(num)s characters.", MAX_URL_LENGTH))
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        raise InvalidURL(_("The article URL contains control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidURL(_("The article URL is malformed (%(reason)s).", reason=error)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURL(_("The article URL must start with http:// or https://."))
    if not parts.hostname:
        raise InvalidURL(_("The article URL has no host name."))
    host = _valid_host(parts.hostname.lower())
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port and port != DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    return scheme, host, parts


def _valid_host(host):
    """A DNS name (internationalized names in their ASCII form) or an IP literal; nothing
    else, so a host can never carry spaces or quotes into a header such as the CSP."""
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            raise InvalidURL(_("The article URL has an invalid IPv6 address.")) from None
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise InvalidURL(_("The article URL has an invalid host name.")) from None
    if not HOST_PATTERN.fullmatch(ascii_host):
        raise InvalidURL(_("The article URL has an invalid host name."))
    return ascii_host


def origin_of(url):
    """The origin (scheme://host[:port]) of a URL, normalized like an article URL's."""
    scheme, host, _ = _split(url)
    return f"{scheme}://{host}"


@lru_cache(maxsize=4096)  # a pure function of the text; every request normalizes URLs
def normalize_url(url):
    """Return the canonical form of an article URL, or raise InvalidURL.

    Scheme and host are lowercased (an internationalized host in its punycode form), the
    default port, the fragment, a trailing slash and tracking parameters are dropped;
    other query parameters are kept (sorted), because `?p=4` names an article of its own.
    Path and query are percent-encoded UTF-8 (RFC 3986's normal form: escapes in upper
    case, unreserved characters never escaped), so `/关于`, `/%E5%85%B3%E4%BA%8E` and
    `/%e5%85%b3%e4%ba%8e` are one article, as a browser sees them.
    """
    scheme, host, parts = _split(url)
    path = normal_path(parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not name.lower().startswith("utm_") and name.lower() not in TRACKING_PARAMS
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def normal_path(path):
    """A URL path in RFC 3986's normal form: escapes of unreserved characters decoded,
    other escapes upper-cased, everything else outside the path's characters (non-ASCII
    as UTF-8, spaces, a lone "%") escaped. Reserved escapes such as %2F stay escaped:
    they mean something else than the character itself."""
    pieces = []
    position = 0
    for escape in ESCAPE.finditer(path):
        pieces.append(quote(path[position:escape.start()], safe=PATH_SAFE))
        character = chr(int(escape[1], 16))
        pieces.append(character if character in UNRESERVED else escape[0].upper())
        position = escape.end()
    pieces.append(quote(path[position:], safe=PATH_SAFE))
    return "".join(pieces)
