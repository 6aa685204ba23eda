"""Scale-out: two gunicorn instances over one PostgreSQL and one Redis act as one service.

Everything here goes the way an operator and a reader would: configuration through
WIDGET_* variables only, the schema and accounts made with the CLI, and real HTTP to two
real servers. Readers carry no cookie, so what they see is what every reader sees; a page
is always read once *before* the change on the other instance, so a rendered-page cache
that only one process knows about would show up here as a stale page.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.html_forms import forms_of

PG_URL = os.environ.get("WIDGET_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("WIDGET_TEST_REDIS_URL")
REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ORIGIN = "https://blog.example.com"
POST_LIMIT = 3  # comment posts per minute per client network, over both instances
ADMIN_EMAIL = "ops@example.com"
ADMIN_PASSWORD = "scale-out-" + secrets.token_hex(8)
STARTUP_SECONDS = 20

pytestmark = pytest.mark.skipif(not (PG_URL and REDIS_URL), reason=(
    "the scale-out test needs WIDGET_TEST_DATABASE_URL (PostgreSQL) and "
    "WIDGET_TEST_REDIS_URL (Redis); see README: Tests"))


# --- two instances ----------------------------------------------------------------------

@dataclass
class Instance:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path


@dataclass
class Cluster:
    site_key: str
    key_prefix: str
    instances: list[Instance] = field(default_factory=list)

    @property
    def a(self):
        return self.instances[0]

    @property
    def b(self):
        return self.instances[1]

    def server_logs(self):
        """What the servers wrote to stderr (shown when a test fails)."""
        return "\n".join(f"--- instance {instance.name} ({instance.url}) ---\n"
                         + instance.log_path.read_text(errors="replace")[-6000:]
                         for instance in self.instances)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def operator_env(schema, key_prefix, secret_key):
    """The environment of every command and server: WIDGET_* variables only, as an
    operator sets them; none of the test runner's own WIDGET_* variables leak in."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("WIDGET_")}
    env.update({
        "WIDGET_DATABASE_URL": f"{PG_URL}{'&' if '?' in PG_URL else '?'}"
                               f"options=-csearch_path%3D{schema}",
        "WIDGET_REDIS_URL": REDIS_URL,
        "WIDGET_SECRET_KEY": secret_key,
        "WIDGET_RATELIMIT_KEY_PREFIX": key_prefix,
        # Prefixed values are parsed as JSON: strings in quotes.
        "WIDGET_RATELIMIT_POST": f'"{POST_LIMIT} per minute"',
        "WIDGET_RATELIMIT_POST_THREAD": '"100 per minute"',
        "WIDGET_COMMENT_MIN_SECONDS": "0",
        # As behind one reverse proxy: each step speaks for its own client network
        # through X-Forwarded-For, so the steps do not share one posting budget.
        "WIDGET_PROXY_HOPS": "1",
        "WIDGET_MAIL_WORKER": "false",
    })
    return env


def flask_cli(env, *commands):
    """Run `flask --app wsgi …` commands side by side, each given as (arguments, stdin);
    their outputs, in order."""
    started = [(arguments, stdin, subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", *arguments], cwd=REPO, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for arguments, stdin in commands]
    outputs = []
    for arguments, stdin, process in started:
        output, errors = process.communicate(stdin, timeout=60)
        assert process.returncode == 0, f"flask {' '.join(arguments)}:\n{output}{errors}"
        outputs.append(output)
    return outputs


def no_control_socket():
    """gunicorn 25.1+ opens a control socket at one path per user, which every instance
    on the machine would share; the test needs none."""
    import gunicorn

    return ["--no-control-socket"] if gunicorn.version_info >= (25, 1) else []


def start_instance(name, env, log_folder):
    port = free_port()
    log_path = log_folder / f"gunicorn-{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
             *no_control_socket(), "wsgi:app"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Instance(name, f"http://127.0.0.1:{port}", process, log_path)


def wait_until_serving(cluster):
    deadline = time.monotonic() + STARTUP_SECONDS
    for instance in cluster.instances:
        while True:
            if instance.process.poll() is not None:
                pytest.fail(f"instance {instance.name} exited with {instance.process.returncode}"
                            f"\n{cluster.server_logs()}")
            try:
                if httpx.get(instance.url + "/embed.js", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"instance {instance.name} did not answer within "
                            f"{STARTUP_SECONDS} s\n{cluster.server_logs()}")
            time.sleep(0.1)


def stop(instances):
    running = [instance for instance in instances if instance.process.poll() is None]
    for instance in running:
        instance.process.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown
    for instance in running:
        try:
            instance.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait(timeout=10)


@pytest.fixture
def cluster(tmp_path):
    """Two instances (A and B) over one fresh PostgreSQL schema and one Redis key prefix."""
    schema = f"scale_{os.getpid()}_{secrets.token_hex(4)}"
    cluster = Cluster(site_key="", key_prefix=f"scale-{secrets.token_hex(6)}")
    env = operator_env(schema, cluster.key_prefix,
                       secret_key="scale-test-" + secrets.token_hex(32))
    engine = create_engine(PG_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        # The servers boot (they touch no table before a request) while the CLI makes
        # the schema, then the site and the admin.
        for name in ("A", "B"):
            cluster.instances.append(start_instance(name, env, tmp_path))
        flask_cli(env, (["db", "upgrade"], None))
        site_json, _ = flask_cli(
            env, (["sites", "create", "Scale blog", "--origin", ORIGIN, "--json"], None),
            (["admins", "create", ADMIN_EMAIL, "--password-stdin"], ADMIN_PASSWORD + "\n"))
        cluster.site_key = json.loads(site_json)["key"]
        wait_until_serving(cluster)
        yield cluster
    finally:
        stop(cluster.instances)
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
        forget_redis_keys(cluster.key_prefix)


def redis_keys(key_prefix):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    try:
        return {key.decode(): connection.get(key) for key in
                connection.scan_iter(match=f"*{key_prefix}*")}
    finally:
        connection.close()


def forget_redis_keys(key_prefix):
    import redis

    connection = redis.Redis.from_url(REDIS_URL)
    keys = list(connection.scan_iter(match=f"*{key_prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


# --- a reader, a commenter and an admin over HTTP ----------------------------------------

def thread_url(instance, site_key, article):
    return f"{instance.url}/t/{site_key}?url={quote(article, safe='')}"


def read_thread(instance, site_key, article):
    """The thread page as any reader gets it: no cookie, no own comments."""
    response = httpx.get(thread_url(instance, site_key, article), timeout=10)
    assert response.status_code == 200, shown(response)
    return response.text


def post_comment(instance, site_key, article, comment_text, network, **extra_fields):
    """Fetch the thread page for its form token, then post the form as a browser on the
    site's page would (Origin), from a client of `network` as the proxy reports it."""
    headers = {"X-Forwarded-For": network}
    page = httpx.get(thread_url(instance, site_key, article), headers=headers, timeout=10)
    assert page.status_code == 200, shown(page)
    assert 'name="csrf_token" type="hidden" value="' in page.text
    form = next(form for form in forms_of(page.text) if "csrf_token" in form["fields"]
                and form["action"].startswith(f"/t/{site_key}"))
    fields = {**form["fields"], "name": "Ann", "email": "", "website": "", "parent": "",
              "text": comment_text, **extra_fields}
    return httpx.post(urljoin(instance.url, form["action"]), data=fields, timeout=10,
                      headers={**headers, "Origin": ORIGIN})


def shown(response):
    """A failed request, briefly: status and the start of the body."""
    return f"{response.status_code} {response.request.url}\n{response.text[:1500]}"


def posted_id(response):
    assert response.status_code == 303, shown(response)
    return int(response.headers["Location"].rsplit("#c-", 1)[1])


def sign_in(admin, instance):
    page = admin.get(f"{instance.url}/admin/login")
    assert page.status_code == 200, shown(page)
    form = next(form for form in forms_of(page.text) if form["action"] == "/admin/login")
    response = admin.post(f"{instance.url}/admin/login", data={
        **form["fields"], "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert response.status_code == 303, shown(response)


def moderate(admin, instance, comment_id, action):
    """Press the comment's button in the dashboard's queue on this instance."""
    queue = admin.get(f"{instance.url}/admin/comments", params={"status": "all"})
    assert queue.status_code == 200, shown(queue)
    form = next(form for form in forms_of(queue.text)
                if form["action"] == f"/admin/comments/{comment_id}/moderate"
                and form["fields"].get("action") == action)
    response = admin.post(urljoin(instance.url, form["action"]), data=form["fields"])
    assert response.status_code == 303, shown(response)
    return response


# --- the test: one pair of servers, three things they must agree on ----------------------
# One test with subtests rather than three tests on a shared fixture: starting the pair is
# most of the cost, and pytest-xdist would start one pair per worker that gets a test.

def test_two_instances_act_as_one_service(cluster, subtests):
    with subtests.test("a comment posted on A is on B at once"):
        a_comment_posted_on_a_is_on_b_at_once(cluster, f"{ORIGIN}/posts/posted")
    with subtests.test("moderation on one instance is seen on the other at once"):
        with httpx.Client(timeout=10) as admin:
            moderation_on_one_is_seen_on_the_other(cluster, f"{ORIGIN}/posts/moderated", admin)
    with subtests.test("the post limit counts posts on both instances"):
        the_post_limit_counts_posts_on_both(cluster, f"{ORIGIN}/posts/limited")


def a_comment_posted_on_a_is_on_b_at_once(cluster, article):
    first = f"First on A {secrets.token_hex(4)}"
    posted_id(post_comment(cluster.a, cluster.site_key, article, first, network="192.0.2.10"))
    assert first in read_thread(cluster.b, cluster.site_key, article)  # B has rendered it

    second = f"Then on A, read on B {secrets.token_hex(4)}"
    second_id = posted_id(post_comment(cluster.a, cluster.site_key, article, second,
                                       network="192.0.2.10"))

    page_b = read_thread(cluster.b, cluster.site_key, article)
    assert f'id=c-{second_id} ' in page_b
    assert second in page_b and first in page_b
    # The rendered pages are cached in the Redis both instances share (under the same key
    # prefix), and still B's page was fresh.
    assert any(key.startswith(f"{cluster.key_prefix}:page:")
               for key in redis_keys(cluster.key_prefix))


def moderation_on_one_is_seen_on_the_other(cluster, article, admin):
    kept = f"Stays everywhere {secrets.token_hex(4)}"
    doomed = f"Deleted on A {secrets.token_hex(4)}"
    posted_id(post_comment(cluster.b, cluster.site_key, article, kept, network="198.18.0.20"))
    doomed_id = posted_id(post_comment(cluster.b, cluster.site_key, article, doomed,
                                       network="198.18.0.20"))
    page_b = read_thread(cluster.b, cluster.site_key, article)
    assert kept in page_b and doomed in page_b

    sign_in(admin, cluster.a)
    moderate(admin, cluster.a, doomed_id, "delete")

    page_b = read_thread(cluster.b, cluster.site_key, article)
    assert doomed not in page_b and f'id=c-{doomed_id} ' not in page_b
    assert kept in page_b

    # A comment held for moderation (it filled the bots' trap field) is approved on B
    # with the session signed in on A: one secret key, one sign-in for every instance.
    held = f"Held, then approved on B {secrets.token_hex(4)}"
    held_id = posted_id(post_comment(cluster.a, cluster.site_key, article, held,
                                     network="198.18.0.20", subject="https://spam.example"))
    assert held not in read_thread(cluster.a, cluster.site_key, article)

    moderate(admin, cluster.b, held_id, "approve")

    page_a = read_thread(cluster.a, cluster.site_key, article)
    assert held in page_a and f'id=c-{held_id} ' in page_a
    assert doomed not in page_a and kept in page_a


def the_post_limit_counts_posts_on_both(cluster, article):
    network = "198.51.100.7"
    statuses = []
    for number in range(POST_LIMIT + 1):
        instance = cluster.instances[number % 2]  # A, B, A, B
        statuses.append(post_comment(instance, cluster.site_key, article,
                                     f"Post {number} on {instance.name}", network).status_code)
    assert statuses == [303] * POST_LIMIT + [429]
    # and on the other instance as well: one budget
    refused = post_comment(cluster.a, cluster.site_key, article, "One more, on A", network)
    assert refused.status_code == 429
    assert "You are posting too often." in refused.text
    # another network still posts
    assert post_comment(cluster.b, cluster.site_key, article, "Another network",
                        "203.0.113.5").status_code == 303

    counters = redis_keys(cluster.key_prefix)
    post_counters = {key: int(value) for key, value in counters.items()
                     if key.startswith(f"LIMITS:LIMITER/{cluster.key_prefix}/")
                     and key.endswith(f"/post/{POST_LIMIT}/1/minute")}
    # every try of the limited network, on either instance, counted in one place
    assert POST_LIMIT + 2 in post_counters.values(), counters
    assert not any("198.51.100" in key for key in counters), "keys hold a hash, not the address"
