"""The import command as a person runs it: on a terminal it shows a progress bar, and
nothing of it when its output goes to a file or a pipe."""

import os
import pty
import threading
from contextlib import redirect_stdout

from widget.porting.cli import import_cli

from .conftest import make_site
from .test_import_disqus import FIXTURES


def run_on_a_terminal(args):
    """Run an import command with a pseudo-terminal as its standard output."""
    controller, terminal = pty.openpty()
    output = []

    def read():
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # closed
                return
            if not chunk:
                return
            output.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    with open(terminal, "w", encoding="utf-8", closefd=True) as stdout, redirect_stdout(stdout):
        assert stdout.isatty()
        import_cli.main(args, prog_name="import", standalone_mode=False)
    reader.join(timeout=10)
    os.close(controller)
    return b"".join(output).decode()


def test_progress_bar_on_a_terminal_only(app, runner):
    site = make_site(origins=["http://example.tld"])
    args = ["wordpress", str(FIXTURES / "wordpress-isso.xml"), "--site", site.key]

    on_terminal = run_on_a_terminal(args)
    assert "Importing" in on_terminal and "100%" in on_terminal
    assert "Comments: 8 added (8 approved)" in on_terminal

    piped = runner.invoke(args=["import", *args])
    assert piped.exit_code == 0
    assert "Importing" not in piped.output
    assert "Comments: 0 added, 8 already here from an earlier import." in piped.output
