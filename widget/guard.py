"""The guard: one place decides whether a new comment is refused, held as spam, or let through.

Refusals are for mistakes an honest commenter can fix (too many links): they raise
PostRefused with a message beside the field. Traps are for what only bots and spammers
do (a filled honeypot, a form sent faster than anyone types, a blocked word, a "spam"
from the spam check): the comment is stored with status spam for an admin to review,
and the commenter sees the same "awaiting moderation" as for any held comment, so a
spammer learns nothing. Bans that admins made are refusals too, said plainly.
"""

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .bans import find_ban
from .markup import count_links, render_comment
from .privacy import ip_hashes
from .spam import Submission, check_submission
from .threads import PostRefused
from .urls import origin_of

BANNED_MESSAGE = _l("You cannot comment on this site: an administrator has blocked your comments.")


@dataclass
class PostContext:
    """Facts about the request a post arrived in, gathered by the view."""

    ip: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    form_age: float | None = None  # seconds since the form was rendered
    honeypot: str = ""


@dataclass
class Verdict:
    spam_reason: str | None = None

    @property
    def held(self):
        return self.spam_reason is not None


def review(config, site, article_url, new, context):
    """Judge a validated comment; raise PostRefused or return a Verdict."""
    if find_ban(site, new.email, ip_hashes(context.ip)) is not None:
        raise PostRefused(str(BANNED_MESSAGE), status=403)
    check_links(config, site, new.text)
    if context.honeypot.strip():
        return Verdict("honeypot field filled in")
    minimum = float(config["COMMENT_MIN_SECONDS"])
    if context.form_age is not None and context.form_age < minimum:
        return Verdict(f"sent {context.form_age:.1f} s after the form was shown")
    verdict = check_words(config, site, [new.author, new.text, new.email or "",
                                         new.website or ""])
    if verdict.held:
        return verdict
    submission = Submission(
        author=new.author, text=new.text, email=new.email, website=new.website,
        article_url=article_url, site_url=origin_of(article_url),
        ip=context.ip, user_agent=context.user_agent, referrer=context.referrer,
    )
    if check_submission(submission):
        return Verdict("spam check")
    return Verdict()


def reviewer(config, site, article_url, context):
    """review() as post_comment's judge: it runs only for a submit not seen before."""

    def judge(new):
        new.spam_reason = review(config, site, article_url, new, context).spam_reason

    return judge


def review_edit(config, site, comment, text, article_url, context):
    """Judge an author's edit by the rules a new comment meets: a ban (PostRefused), the
    links limit (PostRefused), blocked words and the spam check (a Verdict to hold it),
    so an edit cannot carry what a new comment may not."""
    if find_ban(site, comment.email, ip_hashes(context.ip)) is not None:
        raise PostRefused(str(BANNED_MESSAGE), "text", status=403)
    check_links(config, site, text)
    verdict = check_words(config, site, [text])
    if verdict.held:
        return verdict
    submission = Submission(
        author=comment.author, text=text, email=comment.email, website=comment.website,
        article_url=article_url, site_url=origin_of(article_url),
        ip=context.ip, user_agent=context.user_agent, referrer=context.referrer,
    )
    return Verdict("spam check") if check_submission(submission) else Verdict()


def check_links(config, site, text):
    max_links = site.max_links if site.max_links is not None else int(config["MAX_LINKS"])
    links = links_in(text)
    if links > max_links:
        message = (_("Links are not allowed in comments here.") if max_links == 0 else
                   ngettext("Your comment has %(links)s links; at most %(num)s is allowed.",
                            "Your comment has %(links)s links; at most %(num)s are allowed.",
                            max_links, links=links))
        raise PostRefused(message, "text")


def check_words(config, site, texts):
    word = first_blocked_word(blocked_words(config, site), texts)
    return Verdict(f"blocked word: {word}"[:200] if word else None)


LINK_ELEMENT = re.compile(r"<a\b[^>]*>.*?</a>", re.S)
BARE_URL = re.compile(r"(?i)\b(?:https?://|www\.)")


def links_in(text):
    """Links a comment shows: the ones rendered as links, plus addresses a reader could
    copy that the linkifier left as text (an unknown top-level domain, say)."""
    html = render_comment(text)
    return count_links(html) + len(BARE_URL.findall(LINK_ELEMENT.sub(" ", html)))


def blocked_words(config, site):
    """The global list (a list, or text separated by commas or new lines) and the site's."""
    configured = config.get("BLOCKED_WORDS") or []
    if isinstance(configured, str):
        configured = re.split(r"[,\n]", configured)
    words = [*configured, *(site.blocked_words or [])]
    return [word.strip() for word in words if word and word.strip()]


def _fold(text):
    """Compare text as a reader sees it: compatibility forms (ｆｕｌｌ-width, ligatures)
    and case folded, invisible format characters dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if unicodedata.category(char) != "Cf")


def first_blocked_word(words, texts):
    """The first blocked word or phrase found as a whole word in any of the texts."""
    haystacks = [_fold(text) for text in texts if text]
    for word in words:
        pattern = re.compile(r"(?<!\w)" + re.escape(_fold(word)) + r"(?!\w)")
        if any(pattern.search(haystack) for haystack in haystacks):
            return word
    return None
