"""Soak: two gunicorn instances over a PostgreSQL and a Redis of the soak's own, mixed
traffic for a while, PostgreSQL restarted once and Redis stopped in the middle.

    .venv/bin/python -m bench.soak --seconds 600     # `make soak`

PostgreSQL is started from its server binaries (initdb, pg_ctl: /usr/lib/postgresql/*/bin
or PATH) and Redis from redis-server, in a temporary folder on ports of their own: the
machine's services are never touched. Without the PostgreSQL binaries the soak runs on
WIDGET_TEST_DATABASE_URL (a schema of its own) behind a TCP proxy, and the "restart"
drops every connection for a few seconds instead.

At the end: every post that got a 303 or 201 is in the database exactly once, no 500 was
answered or logged, and the memory of each worker after warm-up is printed as a curve
(and checked to be flat). Prints a JSON report; exits 1 when a check fails.
"""

import argparse
import glob
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ORIGIN = "https://blog.example.com"
ARTICLES = [f"https://blog.example.com/posts/{n}" for n in range(8)]
ADMIN_EMAIL = "soak@example.com"
ADMIN_PASSWORD = "soak-" + secrets.token_hex(8)
MEMORY_GROWTH_MB = 25  # after warm-up; a leak of a request's worth of pages shows far above
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                  r'|type="hidden" name="csrf_token" value="([^"]+)"')


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_binaries():
    """The folder holding initdb and pg_ctl, or None."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(folder, "initdb"), os.X_OK):
            return folder
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb and shutil.which("pg_ctl") else None


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


# --- the soak's own services ------------------------------------------------------------

class OwnPostgres:
    def __init__(self, folder, binaries):
        self.bin = Path(binaries)
        # A folder of its own, reachable by the postgres user when we are root (pytest's
        # tmp_path is not), removed at the end.
        self.home = Path(tempfile.mkdtemp(prefix="widget-soak-pg-"))
        self.data = self.home / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        # PostgreSQL refuses to run as root: then as the system's postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.data.mkdir()
        if self.as_user:
            self.home.chmod(0o711)
            shutil.chown(self.data, "postgres")
            self.log = self.home / "postgres.log"
            self.log.touch()
            shutil.chown(self.log, "postgres")
        run([*self.as_user, str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
             "--auth=trust", "--no-sync", "-E", "UTF8"])

    def pg_ctl(self, *arguments, check=True):
        command = [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), *arguments]
        return run(command) if check else subprocess.run(command, capture_output=True)

    def start(self):
        self.pg_ctl("-l", str(self.log), "-w", "-o",
                    f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 "
                    "-c fsync=off -c max_connections=60", "start")

    def restart(self):
        self.pg_ctl("-m", "fast", "-w", "stop")
        self.start()

    def stop(self):
        self.pg_ctl("-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.home, ignore_errors=True)


class ProxiedPostgres:
    """WIDGET_TEST_DATABASE_URL in a schema of its own, behind a proxy the soak controls."""

    def __init__(self, url):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from tests.test_abuse_faults import TcpProxy

        self.schema = f"soak_{secrets.token_hex(4)}"
        self.admin_engine = create_engine(url)
        with self.admin_engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        target = make_url(url)
        self.proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        proxied = target.set(host="127.0.0.1", port=self.proxy.port)
        self.url = (proxied.render_as_string(hide_password=False)
                    + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{self.schema}")

    def start(self):
        pass

    def restart(self):
        self.proxy.stop()
        time.sleep(3)
        self.proxy.start()

    def stop(self):
        from sqlalchemy import text

        self.proxy.stop()
        with self.admin_engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.admin_engine.dispose()


class OwnRedis:
    def __init__(self, folder):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


# --- the service ------------------------------------------------------------------------

def service_env(database_url, redis_url):
    env = {name: value for name, value in os.environ.items() if not name.startswith("WIDGET_")}
    env.update({
        "WIDGET_DATABASE_URL": database_url,
        "WIDGET_REDIS_URL": redis_url,
        "WIDGET_SECRET_KEY": "soak-" + secrets.token_hex(32),
        "WIDGET_RATELIMIT_POST": '"600 per minute"',
        "WIDGET_RATELIMIT_POST_THREAD": '"600 per minute"',
        "WIDGET_RATELIMIT_ACTIONS": '"600 per minute"',
        "WIDGET_COMMENT_MIN_SECONDS": "0",
        "WIDGET_PROXY_HOPS": "1",
        "WIDGET_MAIL_WORKER": "false",
        "WIDGET_DATABASE_STATEMENT_TIMEOUT": "5",
    })
    return env


def flask(env, *arguments, stdin=None):
    return run([str(BIN / "flask"), "--app", "wsgi", *arguments], cwd=REPO, env=env,
               input=stdin).stdout


def start_gunicorn(name, env, folder):
    import gunicorn

    port = free_port()
    control = ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []
    with open(folder / f"gunicorn-{name}.log", "wb") as log:  # the child keeps its own copy
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "--threads", "2", "-b", f"127.0.0.1:{port}",
             "--access-logfile", "-", "--access-logformat", 'ACCESS %(s)s %(m)s %(U)s',
             *control, "wsgi:app"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/embed.js", timeout=2).status_code == 200:
                return process, url, folder / f"gunicorn-{name}.log"
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn {name} did not start")


def worker_pids(master_pid):
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- the traffic ------------------------------------------------------------------------

class Load:
    def __init__(self, urls, site_key, stop_at, rate):
        self.urls = urls
        self.site_key = site_key
        self.stop_at = stop_at
        self.pause = 1 / rate
        self.statuses = Counter()
        self.posted = []  # texts that got a 303 or 201
        self.errors = Counter()
        self.lock = threading.Lock()

    def record(self, kind, response):
        with self.lock:
            self.statuses[f"{kind} {response.status_code}"] += 1

    def thread_url(self, article):
        return f"/t/{self.site_key}?url={quote(article, safe='')}"

    def reader(self, number):
        client_ip = f"10.{number}.0.1"
        with httpx.Client(timeout=15, headers={"X-Forwarded-For": client_ip}) as http:
            while time.monotonic() < self.stop_at:
                base = random.choice(self.urls)
                try:
                    self.one_action(http, base, number)
                except httpx.HTTPError as error:
                    with self.lock:
                        self.errors[type(error).__name__] += 1
                time.sleep(self.pause)

    def one_action(self, http, base, number):
        article = random.choice(ARTICLES)
        roll = random.random()
        if roll < 0.45:
            self.record("read", http.get(base + self.thread_url(article)))
        elif roll < 0.60:
            self.record("counts", http.get(base + "/api/counts", params={
                "site": self.site_key, "url": random.sample(ARTICLES, 3)}))
        elif roll < 0.90:
            self.post(http, base, article, number)
        else:
            self.like(http, base, article)

    def post(self, http, base, article, number):
        page = http.get(base + self.thread_url(article))
        self.record("read", page)
        match = CSRF.search(page.text) if page.status_code == 200 else None
        if not match:
            return
        text = f"soak {number} {secrets.token_hex(6)}"
        as_json = random.random() < 0.5
        response = http.post(
            base + self.thread_url(article),
            data={"csrf_token": match.group(1) or match.group(2), "name": "Soak",
                  "text": text, "email": "", "website": "", "parent": ""},
            headers={"Accept": "application/json"} if as_json else {})
        self.record("post", response)
        if response.status_code in (201, 303):
            with self.lock:
                self.posted.append(text)

    def like(self, http, base, article):
        page = http.get(base + self.thread_url(article))
        ids = re.findall(r'id=c-(\d+)', page.text) if page.status_code == 200 else []
        match = CSRF.search(page.text) if page.status_code == 200 else None
        if not ids or not match:
            return
        self.record("like", http.post(
            f"{base}/t/{self.site_key}/like?url={quote(article, safe='')}",
            data={"csrf_token": match.group(1) or match.group(2), "comment": random.choice(ids),
                  "action": "toggle", "visitor": secrets.token_hex(11)},
            headers={"Accept": "application/json"}))

    def admin(self):
        """An admin reading the queue and approving what waits, now and then."""
        with httpx.Client(timeout=15, base_url=random.choice(self.urls),
                          headers={"X-Forwarded-For": "10.200.0.1"}) as http:
            signed_in = False
            while time.monotonic() < self.stop_at:
                try:
                    if not signed_in:
                        login = http.get("/admin/login")
                        token = CSRF.search(login.text)
                        if token:
                            answer = http.post("/admin/login", data={
                                "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD,
                                "csrf_token": token.group(1) or token.group(2), "next": ""})
                            self.record("admin-login", answer)
                            signed_in = answer.status_code == 303
                    else:
                        queue = http.get("/admin/comments")
                        self.record("admin", queue)
                        self.record("admin", http.get("/admin/threads"))
                        waiting = re.findall(r'/admin/comments/(\d+)/moderate', queue.text)
                        token = CSRF.search(queue.text)
                        if waiting and token:
                            self.record("admin-approve", http.post(
                                f"/admin/comments/{waiting[0]}/moderate",
                                data={"csrf_token": token.group(1) or token.group(2),
                                      "action": "approve", "next": ""}))
                except httpx.HTTPError as error:
                    with self.lock:
                        self.errors["admin " + type(error).__name__] += 1
                time.sleep(1)


# --- the run ----------------------------------------------------------------------------

def soak(seconds, readers=4, rate=8.0, folder=None, log=None):
    log = log or (lambda line: print(line, file=sys.stderr, flush=True))
    folder = Path(folder or tempfile.mkdtemp(prefix="widget-soak-"))
    binaries = postgres_binaries()
    if binaries:
        database = OwnPostgres(folder, binaries)
    elif os.environ.get("WIDGET_TEST_DATABASE_URL"):
        database = ProxiedPostgres(os.environ["WIDGET_TEST_DATABASE_URL"])
    else:
        raise RuntimeError("needs the PostgreSQL server binaries (initdb, pg_ctl) or "
                           "WIDGET_TEST_DATABASE_URL")
    redis = OwnRedis(folder)
    servers = []
    report = {"seconds": seconds, "folder": str(folder), "events": []}
    try:
        database.start()
        redis.start()
        env = service_env(database.url, redis.url)
        flask(env, "db", "upgrade")
        site_key = json.loads(flask(env, "sites", "create", "Soak", "--origin", ORIGIN,
                                    "--json"))["key"]
        flask(env, "admins", "create", ADMIN_EMAIL, "--password-stdin",
              stdin=ADMIN_PASSWORD + "\n")
        servers = [start_gunicorn(name, env, folder) for name in ("A", "B")]
        started = time.monotonic()
        load = Load([url for _, url, _ in servers], site_key, started + seconds, rate)
        threads = [threading.Thread(target=load.reader, args=(n,), daemon=True)
                   for n in range(readers)]
        threads.append(threading.Thread(target=load.admin, daemon=True))
        for thread in threads:
            thread.start()

        memory = {}  # worker pid -> [(second, MB)]
        plan = [(0.35 * seconds, "restart PostgreSQL"), (0.5 * seconds, "stop Redis"),
                (0.5 * seconds + min(60.0, seconds / 6), "start Redis")]
        next_sample = 0.0
        while time.monotonic() < started + seconds:
            now = time.monotonic() - started
            while plan and now >= plan[0][0]:
                _, event = plan.pop(0)
                log(f"[{now:6.1f} s] {event}")
                report["events"].append([round(now, 1), event])
                {"restart PostgreSQL": database.restart, "stop Redis": redis.stop,
                 "start Redis": redis.start}[event]()
            if now >= next_sample:
                for process, _, _ in servers:
                    for pid in worker_pids(process.pid):
                        value = rss_mb(pid)
                        if value is not None:
                            memory.setdefault(pid, []).append((round(now), round(value, 1)))
                next_sample = now + max(1.0, seconds / 60)
            time.sleep(0.2)
        for thread in threads:
            thread.join(20)

        report.update(check(load, env, servers, memory, seconds))
    finally:
        for process, _, _ in servers:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
        redis.stop()
        database.stop()
    return report


def check(load, env, servers, memory, seconds):
    from sqlalchemy import create_engine, text

    engine = create_engine(env["WIDGET_DATABASE_URL"])
    with engine.connect() as connection:
        stored = Counter(connection.scalars(
            text("SELECT text FROM comment WHERE text LIKE 'soak %'")).all())
    engine.dispose()
    missing = [posted for posted in load.posted if stored[posted] == 0]
    doubled = [posted for posted, count in stored.items() if count > 1]
    logged_500 = 0
    for _, _, log_path in servers:
        logged_500 += sum(1 for line in log_path.read_text(errors="replace").splitlines()
                          if line.startswith("ACCESS 5") and not line.startswith("ACCESS 503"))
    answered_500 = sum(count for key, count in load.statuses.items()
                       if key.endswith(" 500"))
    warm_up = 0.25 * seconds
    curves, growth = {}, {}
    for pid, samples in memory.items():
        after = [value for second, value in samples if second >= warm_up]
        curves[pid] = samples
        if len(after) >= 4:
            quarter = max(1, len(after) // 4)
            growth[pid] = round(statistics.median(after[-quarter:])
                                - statistics.median(after[:quarter]), 1)
    result = {
        "statuses": dict(sorted(load.statuses.items())),
        "transport_errors": dict(load.errors),
        "posts_accepted": len(load.posted),
        "posts_missing": missing[:10],
        "posts_stored_twice": doubled[:10],
        "answered_500": answered_500,
        "logged_500": logged_500,
        "memory_mb": {str(pid): curve for pid, curve in curves.items()},
        "memory_growth_after_warm_up_mb": {str(pid): value for pid, value in growth.items()},
        "load_average": os.getloadavg(),
    }
    result["ok"] = (bool(load.posted) and not missing and not doubled and answered_500 == 0
                    and logged_500 == 0
                    and all(value < MEMORY_GROWTH_MB for value in growth.values()))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=8.0, help="actions per second per reader")
    arguments = parser.parse_args()
    report = soak(arguments.seconds, arguments.readers, arguments.rate)
    curves = report.pop("memory_mb")
    print(json.dumps(report, indent=1))
    for pid, curve in curves.items():  # one line per worker: second:MB
        print(f"worker {pid} RSS MB:", " ".join(f"{second}:{value}" for second, value in curve))
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
