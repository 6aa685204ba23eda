"""What an import did, for the command line, the dashboard and the audit log."""

from collections import Counter
from dataclasses import dataclass, field

from ..i18n import english_plural
from .stream import Note, Skipped


@dataclass
class ImportReport:
    """What an import did, for the command line and the admin page."""

    sites_created: list[str] = field(default_factory=list)
    threads_created: int = 0
    threads_extended: int = 0  # threads that were here already and got new comments
    added: Counter = field(default_factory=Counter)  # new comments by status
    already_present: int = 0  # comments of the file that an earlier import had stored
    comments_in_file: int = 0  # every comment the reader found, stored or skipped
    accounts_created: int = 0  # commenter accounts (our JSON)
    accounts_present: int = 0  # accounts of the file that were here already
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[Skipped | Note] = field(default_factory=list)  # imported, with a change to know of

    @property
    def comments_added(self):
        return sum(self.added.values())

    def summary_lines(self):
        """The counts as the command line prints them (also the audit log's details)."""
        added = ", ".join(f"{count} {status}" for status, count in sorted(self.added.items()))
        return [f"Site {key} created." for key in self.sites_created] + [
            f"Threads: {self.threads_created} created, {self.threads_extended} existing "
            "ones extended.",
            f"Comments: {self.comments_added} added" + (f" ({added})" if added else "")
            + f", {self.already_present} already here from an earlier import.",
        ] + self._accounts_line() + self._why_none_added()

    def _accounts_line(self):
        if not (self.accounts_created or self.accounts_present):
            return []
        return [f"Commenter accounts: {self.accounts_created} added, {self.accounts_present} "
                "already here."]

    def _why_none_added(self):
        """An import that adds nothing says why, so no one takes it for a success."""
        if self.comments_added or not self.comments_in_file:
            return []
        skipped = self.comments_in_file - self.already_present
        return [english_plural(
            "No comment was added: the file's %(num)s comment was here already "
            f"({self.already_present}) or skipped ({skipped}; see below).",
            "No comment was added: the file's %(num)s comments were here already "
            f"({self.already_present}) or skipped ({skipped}; see below).",
            self.comments_in_file)]
