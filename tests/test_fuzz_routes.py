"""The route-table fuzzer: every route and method of app.url_map, with generated query
strings, headers and bodies of every kind, sent in five states of the service: (a) fresh,
(b) rate-limited, (c) signed in as admin, (d) the database refusing connections,
(e) Redis down. The only acceptable answers: 2xx, 3xx, 4xx with a readable message, 503.

Fixed seed (derandomize) and a budget of examples, so CI runs it in seconds;
`make fuzz` (WIDGET_FUZZ_PROFILE=deep) hunts longer.
"""

import io
import json
import os
import re
import socket
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from widget import create_app
from widget.extensions import db

from .abuse_helpers import make_token
from .admin.conftest import Dashboard, make_admin
from .conftest import ARTICLE, BASE_CONFIG, make_comment, make_site, make_thread

settings.register_profile(
    "widget-routes", max_examples=int(os.environ.get("WIDGET_FUZZ_EXAMPLES", 120)),
    derandomize=True, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)
settings.register_profile("routes-deep", parent=settings.get_profile("widget-routes"),
                          max_examples=3000, derandomize=False)
PROFILE = "routes-deep" if os.environ.get("WIDGET_FUZZ_PROFILE") == "deep" else "widget-routes"
FUZZ = settings(settings.get_profile(PROFILE))

STATES = ["fresh", "rate-limited", "admin", "database down", "redis down"]
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
HUGE_BYTES = 3 * 1024 * 1024  # over MAX_CONTENT_LENGTH; the 12 MB case is in test_error_pages


def closed_port():
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def state_config(state, tmp_path):
    if state == "rate-limited":  # every limit already spent: each limited call is a 429
        return {"RATELIMIT_ENABLED": True, **{name: "0 per minute" for name in (
            "RATELIMIT_POST", "RATELIMIT_POST_THREAD", "RATELIMIT_COUNTS",
            "RATELIMIT_ACTIONS", "RATELIMIT_LOGIN")}}
    if state == "database down":
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unmounted/widget.sqlite"}
    if state == "redis down":
        return {"REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0", "RATELIMIT_ENABLED": True}
    return {}


class Known:
    """Ids and tokens that exist, so generated requests reach past the 404s."""

    site_key = "nosuchsite"
    ids = (1,)
    admin_token = ""


@pytest.fixture(params=STATES)
def fuzz_state(request, sqlite_template, tmp_path):
    import shutil

    path = tmp_path / "fuzz.sqlite"
    shutil.copy(sqlite_template, path)
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
              "MAX_CONTENT_LENGTH": 256 * 1024, **state_config(request.param, tmp_path)}
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    known = Known()
    client = app.test_client()  # no app context open: each request has its own, as on a server
    if request.param != "database down":
        with app.app_context():
            site = make_site()
            comment = make_comment(make_thread(site), "Fuzzed around")
            admin = make_admin()
            known.site_key = site.key
            known.ids = (site.id, comment.id, comment.thread_id, admin.id)
            email = admin.email
        if request.param == "admin":
            board = Dashboard(client)
            assert board.login(email).status_code == 303
            known.admin_token = board.token
    yield request.param, app, client, known
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def routes(app):
    return sorted((rule.rule, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods - SKIPPED_METHODS)


# --- what may arrive --------------------------------------------------------------------

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
junk_text = st.one_of(text, st.sampled_from([
    "", "\x00", "%00", "%ff", "..", "../../etc/passwd", "💩" * 30, "\u202e", "a" * 3000,
    "javascript:alert(1)", "-1", "0", "99999999999999999999", "null", "[]", "{}",
]))
query_keys = st.one_of(st.sampled_from([
    "url", "title", "lang", "theme", "own", "reply", "sort", "page", "site", "next", "status",
    "site_id", "thread_id", "q", "before", "after", "comment", "token", "format",
]), text)
query_values = st.one_of(junk_text, st.just(ARTICLE), st.just(ARTICLE + "?p=1#x"),
                         st.sampled_from(["en", "de", "fr", "ar", "xx", "dark", "old", "new"]))
headers = st.fixed_dictionaries({}, optional={
    "Accept": st.sampled_from(["application/json", "text/html", "*/*", "", "image/svg+xml",
                               "application/json;q=0.1, text/html"]),
    "Accept-Language": st.sampled_from(["de", "fr-CH, fr;q=0.9", "ar", "*", "xx-YY", ";;;"]),
    "Origin": st.sampled_from(["https://blog.example.com", "https://evil.example",
                               "null", "", "\x7f"]),
    "Referer": st.one_of(st.just(ARTICLE), junk_text).map(lambda value: re.sub(r"[\r\n]", " ", value)),
    "X-Forwarded-For": st.sampled_from(["1.2.3.4", "garbage", "::1, 10.0.0.1", ""]),
    "If-None-Match": st.sampled_from(['"abc"', "*", "W/\"x\"", "\x01"]),
    "Sec-Fetch-Site": st.sampled_from(["cross-site", "same-origin", "none", "?"]),
    "User-Agent": junk_text.map(lambda value: re.sub(r"[\r\n]", " ", value)),
    "Cookie": st.sampled_from(["session=garbage", "widget_admin=x.y.z", "a=" + "b" * 4000]),
})


def form_fields(known):
    return st.dictionaries(
        st.one_of(st.sampled_from([
            "name", "text", "email", "website", "parent", "subject", "csrf_token", "comment_id",
            "action", "ids", "status", "password", "origins", "edit_token", "value", "sort",
        ]), text),
        st.one_of(junk_text, st.sampled_from([str(i) for i in known.ids]),
                  st.just(known.admin_token), st.just(make_token(known.site_key))),
        max_size=8)


def multipart(fields, boundary="fuzzboundary"):
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{quote(name)}"\r\n\r\n'
             f"{value}\r\n" for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="x.json"\r\nContent-Type: application/json\r\n\r\n{{}}\r\n')
    return ("".join(parts) + f"--{boundary}--\r\n").encode("utf-8", "surrogatepass")


def bodies(known):
    fields = form_fields(known)
    form = "application/x-www-form-urlencoded"
    return st.one_of(
        st.just((b"", None, False)),
        st.just((b"", form, False)),
        fields.map(lambda f: (urlencode(f).encode(), form, False)),
        fields.map(lambda f: (json.dumps(f).encode(), "application/json", False)),
        fields.map(lambda f: (multipart(f), "multipart/form-data; boundary=fuzzboundary", False)),
        fields.map(lambda f: (multipart(f), "multipart/form-data", False)),  # no boundary
        st.binary(max_size=300).map(lambda raw: (b"name=\xff&text=" + raw, form, False)),
        st.binary(max_size=300).map(lambda raw: (raw, "application/json", False)),
        st.binary(max_size=300).map(lambda raw: (raw, "multipart/form-data; boundary=x", False)),
        fields.map(lambda f: (urlencode(f).encode(), form, True)),  # chunked: length unknown
        st.sampled_from([form, "application/json", "multipart/form-data; boundary=b"]).map(
            lambda kind: (b"x" * HUGE_BYTES, kind, False)),
        st.tuples(st.binary(max_size=100), st.sampled_from(["text/plain", "\x00", "*/*", ";"]),
                  st.booleans()),
    )


def path_for(rule, known, draw):
    def value(match):
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            return str(draw(st.sampled_from([*known.ids, 0, 2**31, 2**63])))
        if name == "site_key":
            choice = draw(st.sampled_from([known.site_key, None])) or draw(junk_text)
        else:
            choice = draw(junk_text)
        return quote(choice, safe="") or "x"
    return re.sub(r"<(?:(\w+):)?(\w+)>", value, rule)


# --- what may come back -----------------------------------------------------------------

def assert_acceptable(response, method, path):
    status = response.status_code
    where = f"{method} {path} -> {status}"
    assert status < 500 or status == 503, f"{where}: {response.get_data()[:300]!r}"
    if status < 400:
        return
    body = response.get_data(as_text=True)
    assert "Traceback" not in body, where
    if response.is_json:
        payload = response.get_json()
        assert payload.get("message") or payload.get("error"), where
    else:
        readable = re.sub(r"<[^>]+>|\s+", " ", body).strip()
        assert len(readable) >= 10, f"{where}: no readable message: {body[:200]!r}"


def fuzz_routes(fuzz_state, table, article_always=False, share=1.0):
    _, _, client, known = fuzz_state
    answered = set()

    @settings(FUZZ, max_examples=max(10, int(FUZZ.max_examples * share)))
    @given(data=st.data())
    def send(data):
        rule, method = data.draw(st.sampled_from(table), label="route")
        if data.draw(st.integers(0, 9)) == 0:  # now and then a method the route lacks
            method = data.draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH"]))
        path = path_for(rule, known, data.draw)
        query = data.draw(st.dictionaries(query_keys, query_values, max_size=4))
        if article_always or data.draw(st.booleans()):  # most pages need an article
            query["url"] = ARTICLE
        sent_headers = data.draw(headers)
        body, content_type, chunked = data.draw(bodies(known))
        options = {"headers": dict(sent_headers)}
        if content_type is not None:
            options["headers"]["Content-Type"] = content_type
        if chunked:
            options["input_stream"] = io.BytesIO(body)
            options["headers"]["Transfer-Encoding"] = "chunked"
            options["environ_overrides"] = {"wsgi.input_terminated": True}
        elif body:
            options["data"] = body
        url = path + ("?" + urlencode(query) if query else "")
        with client.open(url, method=method, **options) as response:  # closes send_file's file
            assert_acceptable(response, method, url)
            answered.add(response.status_code)

    send()
    return answered


def test_every_route_in_every_state_answers_without_a_server_error(fuzz_state):
    table = routes(fuzz_state[1])
    # Routes that read a body or write come up twice as often: most bugs live there.
    table += [(rule, method) for rule, method in table if method != "GET"]
    assert fuzz_routes(fuzz_state, table)


def test_posting_anything_in_every_state_answers_without_a_server_error(fuzz_state):
    """The comment form, where a refusal renders the typed comment again: every body."""
    answered = fuzz_routes(fuzz_state, [("/t/<site_key>", "POST")], article_always=True,
                           share=0.5)
    expected = {"rate-limited": 429, "database down": 503}.get(fuzz_state[0])
    assert expected is None or expected in answered, answered
