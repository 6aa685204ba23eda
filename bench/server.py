"""Gunicorn under the bench: start it on a free loopback port, wait until it answers,
read its workers' peak memory, stop it; and a plain HTTP fetch for single requests."""

import functools
import gzip
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask_compress.compat import compression  # zstd where Python lacks it (< 3.14)

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Fetched:
    status: int
    headers: dict  # lowercased names
    body: bytes  # as sent on the wire (compressed when the server compressed it)

    @property
    def content(self):
        """The body with its content coding (gzip, br or zstd) undone."""
        coding = self.headers.get("content-encoding")
        if coding == "gzip":
            return gzip.decompress(self.body)
        if coding == "br":
            return brotli.decompress(self.body)
        if coding == "zstd":
            return compression.zstd.decompress(self.body)
        return self.body

    @property
    def text(self):
        return self.content.decode("utf-8")


def fetch(url, headers=None, data=None, timeout=120):
    """One request; any status is an answer (no exception for 3xx/4xx/5xx)."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            return Fetched(response.status, _lower(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, _lower(error.headers), error.read())


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _lower(headers):
    return {name.lower(): value for name, value in headers.items()}


@functools.cache
def _options_of(gunicorn):
    return subprocess.run([gunicorn, "--help"], capture_output=True, text=True).stdout


# The worker settings of this project's gunicorn.conf.py, given explicitly so that Isso,
# started the same way, is served exactly alike.
WORKER_OPTIONS = ("--worker-class", "gthread", "--threads", "2", "--keep-alive", "5")


class Gunicorn:
    """`gunicorn --workers N APP` on a free loopback port, logging to `log_path`."""

    def __init__(self, gunicorn, app, env, chdir, log_path, workers=2):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = Path(log_path)
        self.command = [str(gunicorn), "--workers", str(workers), *WORKER_OPTIONS,
                        "--bind", f"{HOST}:{self.port}", "--chdir", str(chdir),
                        "--error-logfile", str(self.log_path)]
        if "--no-control-socket" in _options_of(str(gunicorn)):
            # gunicorn 27 listens on ~/.gunicorn/gunicorn.ctl, one path for every instance.
            self.command.append("--no-control-socket")
        self.command.append(app)
        self.env = {**os.environ, **env}
        # gunicorn reads ./gunicorn.conf.py before it changes folder: start it in `chdir`,
        # or Isso's would load ours (and fail on its imports).
        self.chdir = chdir
        self.workers = workers
        self.process = None

    def start(self, ready_path="/", timeout=60):
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.chdir,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                fetch(self.url + ready_path, timeout=5)  # any answer: it serves
                if len(self.worker_pids()) >= self.workers:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"

    def worker_pids(self):
        """The master's children: its workers."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def peak_rss_mib(self):
        """The largest VmHWM (peak resident set) among the workers, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            try:
                status = (Path("/proc") / str(pid) / "status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks) if peaks else None

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self):
        return self.start() if self.process is None else self

    def __exit__(self, *exc_info):
        self.stop()
