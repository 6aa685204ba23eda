"""Run wrk (Debian's /usr/bin/wrk) against a loopback URL and parse what it prints.

Every run uses `--latency` for the percentiles. Plain GETs run without a script (the
fastest client; wrk counts "Non-2xx or 3xx responses"); where the status matters (304s,
201s) a Lua script counts the answers by status and its done() prints them as
`status CODE COUNT` lines, with the run's exact duration.
"""

import ipaddress
import re
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

WRK = "/usr/bin/wrk"

# Counts answers per status in each thread; done() (its own Lua state) reads them back.
STATUS_COUNTER = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end
function init(args)
  statuses = {}
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\\n", status, count))
  end
  local sent = nil
  for _, thread in ipairs(threads) do
    local written = thread:get("sent")
    if written then sent = (sent or 0) + written end
  end
  -- wrk calls request() once on the first thread to check the script before the run.
  if sent then io.write(string.format("sent %d\\n", sent - 1)) end
  io.write(string.format("duration_us %d\\n", summary.duration))
end
"""

# Each request a new comment: the submit key hashes the fields, so a new text with the
# same form token is a new submit. `prefix` is form-encoded and ends with "text=...".
POSTER = """
wrk.method = "POST"
function request()
  sent = (sent or 0) + 1
  local body = "{prefix}" .. "+" .. (thread_number or 0) .. "-" .. sent .. "&{suffix}"
  return wrk.format(nil, nil, nil, body)
end
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")
_PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\S+)\s*$", re.MULTILINE)
_COMPLETED = re.compile(r"^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h),", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
_NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_STATUS = re.compile(r"^status (\d+) (\d+)$", re.MULTILINE)
_SCRIPT_DURATION = re.compile(r"^duration_us (\d+)$", re.MULTILINE)
_SENT = re.compile(r"^sent (\d+)$", re.MULTILINE)


class WrkError(RuntimeError):
    pass


@dataclass
class WrkResult:
    requests: int
    seconds: float
    requests_per_second: float
    latency_ms: dict  # percentile (50.0, 75.0, 90.0, 99.0) -> milliseconds
    non_2xx_3xx: int = 0
    socket_errors: dict = field(default_factory=dict)  # connect, read, write, timeout
    statuses: dict = field(default_factory=dict)  # HTTP status -> answers (from the script)
    # Requests written (from the script): those beyond `requests` were in flight when
    # the run stopped, and wrk did not wait for their answers.
    sent: int | None = None
    output: str = ""

    @property
    def p50(self):
        return self.latency_ms.get(50.0)

    @property
    def p99(self):
        return self.latency_ms.get(99.0)

    def per_second(self, status):
        """Answers with this status per second of the run."""
        return self.statuses.get(status, 0) / self.seconds if self.seconds else 0.0

    def as_dict(self):
        return {"requests": self.requests, "seconds": round(self.seconds, 3),
                "requests_per_second": self.requests_per_second,
                "p50_ms": self.p50, "p99_ms": self.p99,
                "latency_ms": {str(k): v for k, v in self.latency_ms.items()},
                "non_2xx_3xx": self.non_2xx_3xx, "socket_errors": self.socket_errors,
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "sent": self.sent}


def milliseconds(value, unit=None):
    """wrk's "1.23ms", "456.00us", "2.01s" (or a number and its unit) in milliseconds."""
    if unit is None:
        match = _DURATION.match(value.strip())
        if not match:
            raise ValueError(f"not a wrk duration: {value!r}")
        value, unit = match.groups()
    return float(value) * UNITS[unit]


def parse(output):
    """The numbers of one `wrk --latency` run (with or without the status script)."""
    rate = _RATE.search(output)
    completed = _COMPLETED.search(output)
    if not rate or not completed:
        raise WrkError(f"wrk printed no result:\n{output}")
    requests = int(completed.group(1))
    non_2xx = _NON_2XX.search(output)
    sockets = _SOCKET.search(output)
    socket_errors = (dict(zip(("connect", "read", "write", "timeout"), map(int, sockets.groups())))
                     if sockets else {})
    # A timed-out answer counts as a request but adds no latency: when every one timed
    # out, wrk prints 0.00us percentiles, which mean nothing.
    latency = ({} if socket_errors.get("timeout", 0) >= requests
               else {float(p): milliseconds(v) for p, v in _PERCENTILE.findall(output)})
    script_duration = _SCRIPT_DURATION.search(output)
    seconds = (int(script_duration.group(1)) / 1e6 if script_duration
               else milliseconds(completed.group(2), completed.group(3)) / 1000)
    return WrkResult(
        requests=requests,
        seconds=seconds,
        requests_per_second=float(rate.group(1)),
        latency_ms=latency,
        non_2xx_3xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=socket_errors,
        statuses={int(code): int(count) for code, count in _STATUS.findall(output)},
        sent=int(_SENT.search(output).group(1)) if _SENT.search(output) else None,
        output=output,
    )


def loopback_only(url):
    """wrk is only ever aimed at this machine."""
    host = urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                for a in addresses):
        raise WrkError(f"refusing to load {host}: only loopback addresses are allowed")


def run(url, seconds, threads=2, connections=4, headers=None, script=None, timeout=None):
    """wrk -tT -cC -dS --latency URL [-s script]: `script` is a Lua text (STATUS_COUNTER
    to count answers by status). Without one, wrk sends its fixed request as fast as it
    can and counts only "Non-2xx or 3xx responses"."""
    loopback_only(url)
    # In-flight requests are dropped at the end of the run, so a long timeout costs
    # nothing and keeps slow answers (Isso's big threads) in the percentiles.
    timeout = timeout or 60
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
                   f"--timeout={timeout}s"]
        if script:
            script_path = Path(folder) / "script.lua"
            script_path.write_text(script)
            command += ["-s", str(script_path)]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        command.append(url)
        finished = subprocess.run(command, capture_output=True, text=True,
                                  timeout=seconds + 90)
    if finished.returncode != 0:
        raise WrkError(f"wrk failed ({finished.returncode}): {finished.stderr}{finished.stdout}")
    return parse(finished.stdout)


def poster_script(fields, text_field="text"):
    """A Lua script that POSTs `fields` form-encoded, with `text_field` made unique per
    request (a number appended), counting statuses."""
    others = {name: value for name, value in fields.items() if name != text_field}
    prefix = urlencode({text_field: fields[text_field]})
    suffix = urlencode(others)
    for part in (prefix, suffix):
        if '"' in part or "\\" in part:  # urlencode leaves neither, but the Lua string must hold
            raise ValueError("form fields must encode without quotes or backslashes")
    return STATUS_COUNTER + POSTER.replace("{prefix}", prefix).replace("{suffix}", suffix)
