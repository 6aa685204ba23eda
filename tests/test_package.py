"""The package: what `pip install` gives a site owner, used the way they would use it.

The slow test builds the sdist and the wheel (`python -m build`, as a release does), checks
that the wheel carries every template, static file, catalog and migration of the checkout,
installs it into a fresh virtualenv outside the checkout, and runs the `widget` command
there: `db upgrade`, `sites create`, `serve`; then a reader posts through the thread page's
form and reads the comment back. The quick tests cover the parts a checkout relies on:
where static/ and migrations/ are found, the instance folder, the command's command list.
"""

import importlib.util
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from importlib import metadata
from pathlib import Path
from urllib.parse import quote, urljoin

import httpx
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from tests.html_forms import forms_of
from widget import create_app, paths
from widget.config import InstanceFolderError
from widget.console import main as widget_command

REPO = Path(__file__).resolve().parent.parent
ORIGIN = "https://blog.example.com"
ARTICLE = f"{ORIGIN}/posts/installed"
STARTUP_SECONDS = 30
# CI sets it: there, a wheel that cannot be installed fails the test instead of skipping it.
REQUIRED = os.environ.get("WIDGET_REQUIRE_PACKAGE") == "1"
# What pip says when it cannot reach the package index (offline): then the test skips.
OFFLINE_SIGNS = ("NewConnectionError", "Failed to establish a new connection",
                 "Temporary failure in name resolution", "Network is unreachable",
                 "No matching distribution found", "Could not find a version that satisfies")
# The checkout's files the source distribution never takes (MANIFEST.in decides the rest).
NOT_FOR_THE_BUILD = {".git", ".venv", "instance", "build", "dist", "tests", "docs", "bench",
                     "scripts", ".pytest_cache", ".ci"}


# --- quick: a checkout ---------------------------------------------------------------------

def test_a_checkout_uses_its_top_level_static_and_migrations():
    assert not (REPO / "widget" / "static").exists(), "static/ belongs at the top (setup.py)"
    assert paths.STATIC_DIR == REPO / "static"
    assert paths.MIGRATIONS_DIR == REPO / "migrations"


def test_the_instance_folder_is_widget_instance_path(tmp_path, monkeypatch):
    for name in ("WIDGET_DATABASE_URL", "WIDGET_SECRET_KEY", "WIDGET_SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WIDGET_INSTANCE_PATH", "state/widget")  # relative: to the cwd
    instance = tmp_path / "state" / "widget"

    app = create_app()

    assert app.instance_path == str(instance)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'widget.sqlite'}"
    assert app.secret_key == (instance / "secret_key").read_text().strip()
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_unwritable_instance_folder_says_what_to_set(tmp_path, monkeypatch):
    for name in ("WIDGET_DATABASE_URL", "WIDGET_SECRET_KEY", "WIDGET_SQLALCHEMY_DATABASE_URI"):
        monkeypatch.delenv(name, raising=False)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # fails even for root, unlike permissions
    monkeypatch.setenv("WIDGET_INSTANCE_PATH", str(blocker / "instance"))

    with pytest.raises(InstanceFolderError) as raised:
        create_app()

    message = str(raised.value)
    assert str(blocker / "instance") in message
    assert "WIDGET_INSTANCE_PATH" in message and "WIDGET_SECRET_KEY" in message


def test_the_widget_command_has_every_command_of_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("WIDGET_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WIDGET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    app_commands = set(create_app().cli.list_commands(None)) | {"db"}  # db: Flask-Migrate's

    result = CliRunner().invoke(widget_command, ["--help"])

    assert result.exit_code == 0, result.output
    listed = set(re.findall(r"^  ([a-z][\w-]*)\s", result.output.split("Commands:")[1], re.M))
    assert app_commands | {"serve", "run", "shell"} <= listed
    version = CliRunner().invoke(widget_command, ["--version"])
    assert version.output.startswith(f"widget {metadata.version('widget')}"), version.output


def test_the_widget_commands_hints_name_the_widget_command(tmp_path, monkeypatch):
    monkeypatch.setenv("WIDGET_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("WIDGET_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert CliRunner().invoke(widget_command, ["db", "upgrade"]).exit_code == 0

    listed = CliRunner().invoke(widget_command, ["sites", "list"], prog_name="widget")
    missing = CliRunner().invoke(widget_command, ["sites", "sso", "nope"], prog_name="widget")

    assert "create one with `widget sites create NAME --origin URL`" in listed.output
    assert missing.exit_code == 1 and "(see `widget sites list`)" in missing.output
    assert "flask --app wsgi" not in listed.output + missing.output


# --- slow: the wheel, installed and serving --------------------------------------------------

def test_the_wheel_installs_and_serves_comments(tmp_path):
    wheel = build_wheel(tmp_path)
    check_wheel_contents(wheel)
    venv = install_into_fresh_venv(wheel, tmp_path / "venv")
    run_folder = tmp_path / "run"  # outside the checkout: nothing of it can be imported
    run_folder.mkdir()
    env = operator_env(tmp_path)

    facts = json.loads(run(venv, "python", "-c", (
        "import json, gunicorn, widget, widget.paths as p; print(json.dumps({"
        "'package': widget.__file__, 'static': str(p.STATIC_DIR), "
        "'migrations': str(p.MIGRATIONS_DIR), "
        "'control_socket': gunicorn.version_info >= (25, 1)}))"), env=env, cwd=run_folder))
    installed_package = Path(facts["package"]).resolve().parent
    assert installed_package.is_relative_to(venv.resolve()), facts  # not the checkout's
    assert Path(facts["static"]) == installed_package / "static", facts
    assert Path(facts["migrations"]) == installed_package / "migrations", facts

    run(venv, "widget", "db", "upgrade", env=env, cwd=run_folder)
    site = json.loads(run(venv, "widget", "sites", "create", "Installed blog",
                          "--origin", ORIGIN, "--json", env=env, cwd=run_folder))
    assert (tmp_path / "instance" / "secret_key").is_file()  # WIDGET_INSTANCE_PATH

    port = free_port()
    log_path = tmp_path / "serve.log"
    options = ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    if facts["control_socket"]:
        options.append("--no-control-socket")  # one per user otherwise, shared by all tests
    with open(log_path, "wb") as log:
        server = subprocess.Popen([str(venv / "bin" / "widget"), "serve", *options],
                                  cwd=run_folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(server, base_url, log_path)
        assert "gthread" in log_path.read_text(), "our gunicorn settings were not used"
        a_reader_posts_and_reads_back(base_url, site["key"])
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def a_reader_posts_and_reads_back(base_url, site_key):
    thread_url = f"{base_url}/t/{site_key}?url={quote(ARTICLE, safe='')}&lang=de"
    with httpx.Client(timeout=10) as reader:
        page = reader.get(thread_url)
        assert page.status_code == 200, shown(page)
        assert german("Post comment") in page.text  # the compiled catalogs were installed
        for stylesheet in re.findall(r'href="(/static/[^"]+\.css[^"]*)"', page.text):
            assert reader.get(urljoin(base_url, stylesheet)).status_code == 200, stylesheet
        assert reader.get(f"{base_url}/embed.js").status_code == 200

        form = next(form for form in forms_of(page.text) if "csrf_token" in form["fields"]
                    and form["action"].startswith(f"/t/{site_key}"))
        comment_text = f"Posted to an installed widget {os.getpid()}"
        posted = reader.post(urljoin(base_url, form["action"]), headers={"Origin": ORIGIN},
                             data={**form["fields"], "name": "Ann", "email": "", "website": "",
                                   "parent": "", "text": comment_text})
        assert posted.status_code == 303, shown(posted)
        comment_id = posted.headers["Location"].rsplit("#c-", 1)[1]

    # Another reader, with no cookie: the comment is public, not only shown to its author.
    page = httpx.get(thread_url, timeout=10)
    assert page.status_code == 200, shown(page)
    assert f'id=c-{comment_id} ' in page.text and comment_text in page.text


# --- building and installing --------------------------------------------------------------

def build_wheel(tmp_path):
    """`python -m build` on a copy of the checkout (an sdist, then the wheel from it, as a
    release does), without build isolation so it needs no download."""
    if importlib.util.find_spec("build") is None:
        skip_unless_required("the wheel test needs `build` (pip install -e '.[test]')")
    source = tmp_path / "source"
    shutil.copytree(REPO, source, ignore=ignore_for_build)
    dist = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"python -m build failed:\n{result.stdout}{result.stderr}"
    wheels = list(dist.glob("widget-*.whl"))
    assert len(wheels) == 1 and list(dist.glob("widget-*.tar.gz")), list(dist.iterdir())
    return wheels[0]


def ignore_for_build(folder, names):
    at_top = Path(folder) == REPO
    return {name for name in names
            if (at_top and name in NOT_FOR_THE_BUILD) or name == "__pycache__"
            or name.endswith((".egg-info", ".pyc")) or name.startswith("_bench_")}


def check_wheel_contents(wheel):
    """Every file of the checkout the app reads at run time is in the wheel."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(name).decode() for name in names
                            if name.endswith(".dist-info/entry_points.txt"))

    def shipped(folder, pattern, inside):
        return {f"{inside}/{path.relative_to(REPO / folder).as_posix()}"
                for path in (REPO / folder).glob(pattern)
                if path.is_file() and "__pycache__" not in path.parts
                and not path.name.startswith("_bench_") and path.suffix != ".pyc"}

    # The package whole (modules, templates, catalogs, any data file a new package brings),
    # and the checkout's top-level static/ and migrations/ inside it.
    expected = (shipped("widget", "**/*", "widget")
                | shipped("static", "**/*", "widget/static")
                | shipped("migrations", "**/*", "widget/migrations"))
    assert {"widget/wsgi.py", "widget/templates/layout.html", "widget/static/embed.js",
            "widget/translations/de/LC_MESSAGES/messages.mo",
            "widget/translations/de/LC_MESSAGES/messages.po",
            "widget/migrations/env.py"} <= expected
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    assert re.search(r"^widget = widget\.console:main$", entry_points, re.M), entry_points


def install_into_fresh_venv(wheel, venv):
    """A virtualenv of its own (no packages of this one), the wheel and its dependencies
    installed by this virtualenv's pip from the wheel file and the configured index (pip's
    cache makes repeated runs quick). Offline with no cached dependencies: a skip."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--quiet", "--no-compile", "--disable-pip-version-check", str(wheel)],
        capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        output = result.stdout + result.stderr
        if any(sign in output for sign in OFFLINE_SIGNS):
            skip_unless_required("the wheel builds, but its dependencies cannot be "
                                 f"downloaded (offline?):\n{output[-800:]}")
        pytest.fail(f"pip install of the wheel failed:\n{output}")
    return venv


def skip_unless_required(reason):
    if REQUIRED:
        pytest.fail(f"{reason}\n(WIDGET_REQUIRE_PACKAGE=1: this test must run)")
    pytest.skip(f"{reason}\n(WIDGET_REQUIRE_PACKAGE=1 makes this a failure)")


# --- running it ----------------------------------------------------------------------------

def operator_env(tmp_path):
    """WIDGET_* variables as an operator sets them; nothing of the test runner's own
    (no WIDGET_*, FLASK_*, PYTHONPATH: the checkout must not leak in)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("WIDGET_", "FLASK_", "PYTHON", "GUNICORN_"))}
    env.update({
        "WIDGET_DATABASE_URL": f"sqlite:///{tmp_path / 'comments.sqlite'}",
        "WIDGET_INSTANCE_PATH": str(tmp_path / "instance"),
        "WIDGET_COMMENT_MIN_SECONDS": "0",
        "WIDGET_MAIL_WORKER": "false",
        "WIDGET_WEBHOOK_WORKER": "false",
    })
    return env


def run(venv, program, *arguments, env, cwd):
    result = subprocess.run([str(venv / "bin" / program), *arguments], env=env, cwd=cwd,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{program} {' '.join(arguments)}:\n" \
                                   f"{result.stdout}{result.stderr}"
    return result.stdout


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(server, base_url, log_path):
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        if server.poll() is not None:
            pytest.fail(f"widget serve exited with {server.returncode}:\n"
                        f"{log_path.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(f"{base_url}/embed.js", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"widget serve did not answer within {STARTUP_SECONDS} s:\n"
                        f"{log_path.read_text(errors='replace')[-4000:]}")
        time.sleep(0.2)


def german(msgid):
    with open(REPO / "widget/translations/de/LC_MESSAGES/messages.po", "rb") as catalog:
        translated = read_po(catalog).get(msgid).string
    assert translated and translated != msgid
    return translated


def shown(response):
    return f"{response.status_code} {response.request.url}\n{response.text[:1500]}"
