"""A commenter's website: any address a browser would open over http(s), and only those.

The host is read as the WHATWG URL standard (what browsers follow) reads it: a name of
one label (`localhost`), a trailing dot, internationalized names, IPv6 literals, and
IPv4 addresses in every form a browser takes (`0x7f.1`, `2130706433`) are all
addresses a reader can open. A user name or password is dropped before the address is
stored: it would be shown to every reader.
"""

import ipaddress
import string
from urllib.parse import unquote, urlsplit, urlunsplit

from flask_babel import gettext as _

SCHEMES = ("http://", "https://")
# WHATWG "forbidden domain code points" besides C0 controls, space and DEL (which the
# form refuses before this check runs).
FORBIDDEN_IN_HOST = set("#/:<>?@[\\]^|%")


def without_credentials(url):
    """The address without `user:password@`, as typed otherwise (a WTForms filter: an
    address that does not parse is left for the validator to refuse)."""
    if not isinstance(url, str) or "@" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def website_problem(url):
    """Why a browser would not open `url` over http(s), as one message; None if it would."""
    if not url.lower().startswith(SCHEMES):
        return _("Please enter a web address starting with http:// or https://.")
    if any(char.isspace() for char in url):
        return _("A web address cannot contain spaces.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises ValueError for a port out of range
    except ValueError:
        return _("This web address has no valid host name or port.")
    if not _valid_host(parts.hostname or "", bracketed=parts.netloc.rpartition("@")[2].startswith("[")):
        return _("This web address has no valid host name or port.")
    return None


def _valid_host(host, bracketed):
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    host = unquote(host)
    if not host or FORBIDDEN_IN_HOST & set(host):
        return False
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return False
    if _ends_in_a_number(ascii_host):
        return _ipv4(ascii_host) is not None
    return bool(ascii_host.strip("."))


def _labels(host):
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # one trailing dot is part of a valid name
    return labels


def _ends_in_a_number(host):
    last = _labels(host)[-1]
    return last.isdigit() or (last[:2] == "0x" and all(c in string.hexdigits for c in last[2:]))


def _ipv4(host):
    """The address, parsed as browsers parse an IPv4 host (decimal, 0x hex or 0 octal
    parts, the last filling the remaining bytes); None when it is not one."""
    labels = _labels(host)
    if len(labels) > 4:
        return None
    numbers = [_ipv4_number(label) for label in labels]
    if None in numbers or any(number > 255 for number in numbers[:-1]):
        return None
    if numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    address = numbers[-1]
    for position, number in enumerate(numbers[:-1]):
        address += number * 256 ** (3 - position)
    return ipaddress.IPv4Address(address)


def _ipv4_number(label):
    if label[:2] == "0x":
        digits, base = label[2:], 16
    elif len(label) > 1 and label[0] == "0":
        digits, base = label[1:], 8
    else:
        digits, base = label, 10
    if not digits:
        return 0 if base != 10 else None
    try:
        return int(digits, base)
    except ValueError:
        return None
