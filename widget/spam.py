"""The pluggable spam check: an interface, no check by default, an Akismet-compatible client.

Choose one with WIDGET_SPAM_CHECK: unset (no check), "akismet" (WIDGET_AKISMET_KEY,
WIDGET_AKISMET_URL for an Akismet-compatible service), or "package.module:Class" for a
class of your own that takes the app config and implements SpamCheck.

The `akismet` package on PyPI is not used: it hardwires rest.akismet.com, so neither an
Akismet-compatible service nor a local test server could be named.
"""

from dataclasses import dataclass
from typing import Protocol

import httpx
from flask import current_app
from werkzeug.utils import import_string


@dataclass
class Submission:
    """What a spam check may look at: the comment, where it goes, who sent it."""

    author: str
    text: str
    email: str | None
    website: str | None
    article_url: str
    site_url: str
    ip: str | None = None
    user_agent: str | None = None
    referrer: str | None = None


class SpamCheck(Protocol):
    def is_spam(self, submission: Submission) -> bool:
        """True when the submission should be held as spam for review."""


class NoSpamCheck:
    """The default: the built-in traps (guard.py) only."""

    def is_spam(self, submission):
        return False


class SpamCheckUnavailable(Exception):
    """The service did not answer usefully; the caller lets the comment through."""


class AkismetCheck:
    """Akismet's comment-check call (REST API 1.1) against a configurable service."""

    def __init__(self, config):
        if not config.get("AKISMET_KEY"):
            raise ValueError("WIDGET_SPAM_CHECK=akismet needs WIDGET_AKISMET_KEY")
        self.api_key = config["AKISMET_KEY"]
        self.endpoint = config["AKISMET_URL"].rstrip("/") + "/1.1/comment-check"
        self.timeout = float(config["AKISMET_TIMEOUT"])
        self.is_test = bool(config.get("TESTING"))

    def form_fields(self, submission):
        fields = {
            "api_key": self.api_key,
            "blog": submission.site_url,
            "permalink": submission.article_url,
            "comment_type": "comment",
            "comment_author": submission.author,
            "comment_author_email": submission.email or "",
            "comment_author_url": submission.website or "",
            "comment_content": submission.text,
            "user_ip": submission.ip or "",
            "user_agent": submission.user_agent or "",
            "referrer": submission.referrer or "",
        }
        if self.is_test:
            fields["is_test"] = "1"
        return fields

    def is_spam(self, submission):
        try:
            response = httpx.post(self.endpoint, data=self.form_fields(submission),
                                  timeout=self.timeout)
        except httpx.HTTPError as error:
            raise SpamCheckUnavailable(f"{type(error).__name__}: {error}") from None
        answer = response.text.strip()
        if response.status_code != 200 or answer not in ("true", "false"):
            # Akismet explains errors in this header ("Invalid API key", …).
            reason = response.headers.get("X-akismet-debug-help", answer[:200])
            raise SpamCheckUnavailable(f"HTTP {response.status_code}: {reason}")
        return answer == "true"


CHECKS = {"akismet": AkismetCheck}


def configured_check():
    """The spam check the settings name, made once per app."""
    extensions = current_app.extensions
    if "widget.spam_check" not in extensions:
        name = current_app.config.get("SPAM_CHECK")
        if not name:
            check = NoSpamCheck()
        else:
            check_class = CHECKS.get(name) or import_string(name.replace(":", "."))
            check = check_class(current_app.config)
        extensions["widget.spam_check"] = check
    return extensions["widget.spam_check"]


def check_submission(submission):
    """Ask the configured check; if it is down, log and let the comment through (the
    other traps and moderation still apply) rather than lose or block every comment."""
    try:
        return configured_check().is_spam(submission)
    except SpamCheckUnavailable as error:
        current_app.logger.warning("Spam check unavailable, comment let through: %s", error)
        return False
