"""Property tests: whatever arrives at the form and JSON endpoints, never a 500, and nothing
stored that would not pass validation when read back.

Bounded by a settings profile so the suite stays fast; set WIDGET_FUZZ_PROFILE=deep for
a longer hunt (e.g. before a release).
"""

import os
import re
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from widget.embed.forms import CommentForm
from widget.extensions import db
from widget.markup import render_comment
from widget.models import Comment

from .abuse_helpers import JSON, comment_fields, fresh_token, make_token, thread_path
from .conftest import ARTICLE

settings.register_profile(
    "widget-fuzz",
    max_examples=30,
    deadline=None,
    database=None,  # no example files left in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("deep", parent=settings.get_profile("widget-fuzz"), max_examples=1000)
FUZZ = settings(settings.get_profile(os.environ.get("WIDGET_FUZZ_PROFILE", "widget-fuzz")))

# Anything a browser or a script can put in a form field (surrogates cannot be encoded).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=200)
controls = st.text(st.characters(max_codepoint=0x9F, categories=("Cc",)), min_size=1, max_size=8)
nasty = st.sampled_from([
    "", " ", "\x00", "\u202e", "\ufeff", "\u200b", "<script>alert(1)</script>", "javascript:x",
    "http://", "https://example.org/\x00", "https://exa mple.org", "a@b", "@", "１２", "²",
    "9" * 30, "-1", "0", "NaN", "null", "[]", "{}", "%00", "\r\n\r\n", "💩" * 60, "ﷺ" * 40,
])
field_value = st.one_of(any_text, controls, nasty, st.builds(lambda a, b: a + b, any_text, controls))
huge = st.sampled_from([0, 1, 99, 100, 101, 254, 255, 500, 501, 10_000, 10_001, 70_000]).flatmap(
    lambda size: st.sampled_from(["a", "é", "💩", "\x00", " ", "[x](https://x.org) "]).map(
        lambda char: (char * size)[: max(size, 1) * 20]))
plausible = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80)
fields = st.fixed_dictionaries({
    "name": st.one_of(plausible, plausible, plausible, field_value, huge),
    "text": st.one_of(plausible, plausible, plausible, field_value, huge),
}, optional={
    "email": st.one_of(st.just(""), st.emails().map(str), field_value, huge),
    "website": st.one_of(st.just(""), st.just("https://ann.example.org/a?b=c"),
                         plausible.map(lambda text: "https://example.org/" + quote(text)),
                         field_value, huge),
    "parent": st.one_of(st.just(""), st.just(""), field_value),
    "subject": st.one_of(st.just(""), st.just(""), field_value),
})


def assert_answer_is_clean(response):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "sqlalchemy" not in body.lower()


def posted_comment_id(response):
    if response.status_code == 201:
        return response.json["id"]
    if response.status_code == 303:
        return int(re.search(r"#c-(\d+)$", response.headers["Location"]).group(1))
    return None


def assert_stored_comment_is_valid(app, comment_id):
    """Read the row back and put it through the very form that accepted it."""
    db.session.expire_all()
    comment = db.session.get(Comment, comment_id)
    assert comment is not None
    assert comment.html == render_comment(comment.text)
    site_key, url = comment.thread.site.key, comment.thread.url
    with app.test_request_context(method="POST"):
        form = CommentForm(
            formdata=MultiDict({"name": comment.author, "email": comment.email or "",
                                "website": comment.website or "", "text": comment.text,
                                "csrf_token": make_token(site_key, url)}),
            thread_binding=f"{site_key} {url}", max_length=app.config["COMMENT_MAX_LENGTH"],
        )
        assert form.validate(), (form.errors, comment.author, comment.email, comment.website)
        assert form.name.data == comment.author and form.text.data == comment.text
    if comment.parent_id is not None:
        assert db.session.get(Comment, comment.parent_id).thread_id == comment.thread_id


def test_fuzzed_form_fields_never_crash_and_store_only_valid_comments(app, client, site):
    accepted = []

    @FUZZ
    @given(fields=fields, as_json=st.booleans(),
           valid_token=st.sampled_from([True, True, True, False]))
    @example(fields={"name": "Ann", "text": "Hello"}, as_json=False, valid_token=True)
    def post_anything(fields, as_json, valid_token):
        token = (fresh_token(client, site.key) if valid_token
                 else "forged." + fields.get("text", "")[:40])
        response = client.post(thread_path(site.key), data={"csrf_token": token, **fields},
                               headers=JSON if as_json else {})
        assert_answer_is_clean(response)
        comment_id = posted_comment_id(response)
        if comment_id is not None:
            assert_stored_comment_is_valid(app, comment_id)
            accepted.append(comment_id)

    post_anything()
    assert accepted, "no example was accepted, so nothing stored was ever checked"


query_value = st.one_of(any_text, nasty, st.just(ARTICLE), st.just(ARTICLE + "?p=1#x"),
                        st.builds(lambda text: ARTICLE + "/" + text, any_text))


def test_fuzzed_query_strings_never_crash(app, client, site):
    accepted = []

    @FUZZ
    @given(url=query_value, title=st.one_of(st.none(), any_text, controls), reply=field_value,
           site_key=st.one_of(st.none(), st.none(), any_text), as_json=st.booleans())
    @example(url=ARTICLE, title=None, reply="", site_key="\x00", as_json=False)  # found so
    @example(url=ARTICLE, title="Hello", reply="", site_key=None, as_json=False)  # one valid post
    def request_anything(url, title, reply, site_key, as_json):
        key = site.key if site_key is None else quote(site_key, safe="") or "x"
        query = f"url={quote(url, safe='')}&reply={quote(reply, safe='')}"
        if title is not None:
            query += f"&title={quote(title, safe='')}"
        headers = JSON if as_json else {}
        assert_answer_is_clean(client.get(f"/t/{key}?{query}", headers=headers))
        token = fresh_token(client, site.key)
        response = client.post(f"/t/{key}?{query}", data=comment_fields(token, "fuzz"),
                               headers=headers)
        assert_answer_is_clean(response)
        comment_id = posted_comment_id(response)
        if comment_id is not None:
            assert_stored_comment_is_valid(app, comment_id)
            accepted.append(comment_id)

    request_anything()
    assert accepted, "no example was accepted, so nothing stored was ever checked"


content_types = st.sampled_from([
    "application/x-www-form-urlencoded", "multipart/form-data",
    "multipart/form-data; boundary=xyz", "application/json", "text/plain",
    "application/x-www-form-urlencoded; charset=latin-1", "", "*/*", "\x00",
])


def test_fuzzed_raw_bodies_never_crash(client, site):
    @FUZZ
    @given(body=st.one_of(st.binary(max_size=2000),
                          st.builds(lambda raw: b"name=a&text=" + raw + b"&csrf_token=x",
                                    st.binary())),
           content_type=content_types,
           accept=st.sampled_from(["application/json", "text/html", "*/*", "", "\x00"]))
    def send_anything(body, content_type, accept):
        response = client.post(thread_path(site.key), data=body,
                               headers={"Content-Type": content_type, "Accept": accept})
        assert_answer_is_clean(response)
        assert response.status_code not in (201, 303)  # no valid token, no comment

    send_anything()


def test_fuzzed_counts_requests_never_crash(client, site):
    answered = Counter()

    @FUZZ
    @given(site_key=st.one_of(st.none(), st.none(), any_text, nasty),
           urls=st.lists(st.one_of(st.just(ARTICLE), st.just(ARTICLE + "?p=2"), query_value),
                         max_size=5),
           method=st.sampled_from(["get", "post"]))
    @example(site_key=None, urls=[ARTICLE, ARTICLE + "?p=2"], method="get")  # one that counts
    def ask_anything(site_key, urls, method):
        fields = {"site": site.key if site_key is None else site_key, "url": urls}
        if method == "get":
            response = client.get("/api/counts", query_string=fields)
        else:
            response = client.post("/api/counts", data=fields)
        assert_answer_is_clean(response)
        assert response.is_json
        answered[response.status_code] += 1
        if response.status_code == 200:
            assert set(response.json["counts"]) == set(urls)

    ask_anything()
    assert answered[200], "no example reached the counting"


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 64 * 1024}])
def test_a_body_over_the_cap_is_refused_before_it_is_read(client, site):
    token = fresh_token(client, site.key)
    response = client.post(thread_path(site.key), data=comment_fields(token, "x" * 200_000),
                           headers=JSON)
    assert response.status_code == 413
    assert db.session.scalars(select(Comment)).all() == []
