"""Display names: what makes one usable, and the look-alike test that keeps a member's
name from anonymous commenters.

Two names clash when they look the same: Unicode's own confusables table (the data of
UTS #39, shipped by confusable-homoglyphs) maps each character to the characters it can
pass for, so "Kevin", "kevin", "K e v i n" and "K\u0435vin" (Cyrillic е) share one skeleton.
Accounts keep both forms (Account.name_skeleton, Account.name_shape).
"""

import unicodedata
from functools import cache, lru_cache

from confusable_homoglyphs.confusables import confusables_data
from flask_babel import gettext as _
from sqlalchemy import bindparam, exists, or_, select

from ..extensions import db
from ..i18n import count_text
from .models import Account

DISPLAY_NAME_MAX_LENGTH = 100
# Characters that take no room on screen: format characters (zero-width joiners, bidi
# marks), control characters, and the blank letters some fonts draw as nothing.
BLANK_LETTERS = set("\u115f\u1160\u3164\uffa0\u2800")
DIRECTION_MARKS = "\u200e\u200f"  # the table wraps right-to-left characters in these


class UnusableName(ValueError):
    """A display name no one could read or tell apart; the message says why."""


def is_invisible(char):
    return (unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn")
            or char in BLANK_LETTERS)


def clean_display_name(raw):
    """The name as shown: visible characters, runs of spaces made one, trimmed.

    Raises UnusableName for a name that is empty, only invisible characters, or too long.
    """
    visible = "".join(" " if is_invisible(char) else char for char in raw or "")
    name = " ".join(visible.split())
    if not name:
        raise UnusableName(_("Please enter a name that people can read."))
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise UnusableName(count_text("Please use a name of at most %(num)s character.",
                                      "Please use a name of at most %(num)s characters.",
                                      DISPLAY_NAME_MAX_LENGTH))
    return name


@cache
def _prototypes():
    """Each confusable character's representative: the lowest code point of all the
    characters it can pass for, directly or through another (the table lists "I" ~ "l"
    and "l" ~ "1", not "I" ~ "1"), so that every look-alike maps to the same one."""
    parent = {}

    def root(char):
        while parent.get(char, char) != char:
            char = parent[char]
        return char

    for char, entries in confusables_data.items():
        for entry in entries:
            other = entry["c"].strip(DIRECTION_MARKS)
            if len(char) == 1 and len(other) == 1:
                low, high = sorted((root(char), root(other)))
                parent[high] = low
    return {char: root(char) for char in parent}


def _prototype(char):
    return _prototypes().get(char, char)


# Both are asked for the name of every anonymous post: the same few names, again and again.
@lru_cache(maxsize=1024)
def skeleton(name):
    """The name as it looks in any case: width, case, spacing, invisible characters and
    look-alike letters of other scripts folded away ("KEVIN", "k e v i n", "Kеvin")."""
    return _fold_lookalikes(unicodedata.normalize("NFKC", name or "").casefold())


@lru_cache(maxsize=1024)
def shape(name):
    """The name as it looks as written: look-alikes folded but case kept, since some only
    pass for each other in one case (a capital "I" for an "l": "AIIison", "Allison")."""
    return _fold_lookalikes(unicodedata.normalize("NFKC", name or ""))


def _fold_lookalikes(text):
    return "".join(_prototype(char) for char in unicodedata.normalize("NFD", text)
                   if not char.isspace() and not is_invisible(char))


def is_member_name(site, name):
    """Whether the name looks like one a signed-in member of the site goes by."""
    return db.session.scalar(_MEMBER_NAMED, {"site_id": site.id, "skeleton": skeleton(name),
                                             "shape": shape(name)})


# Asked on every anonymous post: built once, on plain columns.
_ACCOUNTS = Account.__table__.c
_MEMBER_NAMED = select(exists().where(
    _ACCOUNTS.site_id == bindparam("site_id"), _ACCOUNTS.banned_at.is_(None),
    or_(_ACCOUNTS.name_skeleton == bindparam("skeleton"),
        _ACCOUNTS.name_shape == bindparam("shape")),
))
