"""A real varnishd with docs/varnish.vcl in front of a server on 127.0.0.1: used by `make
bench` (a thread page through the shared cache against the origin alone) and by
tests/test_varnish.py."""

import glob
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

VCL = Path(__file__).resolve().parent.parent / "docs" / "varnish.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
XKEY = ("/usr/lib/*/varnish/vmods/libvmod_xkey.so", "/usr/lib/varnish/vmods/libvmod_xkey.so")


def missing():
    """Why Varnish cannot run here, or None."""
    if not os.path.exists(VARNISHD):
        return "varnishd is not installed (Debian: apt-get install varnish varnish-modules)"
    if not any(glob.glob(pattern) for pattern in XKEY):
        return "the xkey vmod is not installed (Debian: apt-get install varnish-modules)"
    return None


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Varnish:
    """varnishd on a free port (known before it starts: the service's purge URL), with the
    VCL's backend set to backend_port."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.folder / "varnishd.log"
        self.process = None

    def start(self, backend_port, timeout=20):
        vcl = VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";')
        if str(backend_port) not in vcl:
            raise RuntimeError("docs/varnish.vcl has no `.port = \"8000\";` to point elsewhere")
        vcl_path = self.folder / "varnish.vcl"
        vcl_path.write_text(vcl)
        with open(self.log_path, "w") as log:
            # -j none: no jail, so that it also runs as a user without root.
            self.process = subprocess.Popen(
                [VARNISHD, "-F", "-j", "none", "-n", str(self.folder / "varnish-work"),
                 "-a", f"127.0.0.1:{self.port}", "-f", str(vcl_path), "-s", "malloc,128m",
                 "-p", "thread_pool_min=10"], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("varnishd did not start:\n" + self.log())
            time.sleep(0.1)
        return self

    def _answers(self):
        try:
            urllib.request.urlopen(urllib.request.Request(
                self.url + "/", method="PURGE", headers={"xkey-purge": "-"}), timeout=1)
            return True
        except (urllib.error.URLError, OSError):
            return False

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
