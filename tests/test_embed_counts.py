"""The counts API behind count.js and "Show comments (N)": many URLs, one request, CORS."""

import pytest

from widget.extensions import db
from widget.models import CommentStatus

from .conftest import ARTICLE, make_comment, make_site, make_thread

OTHER = "https://blog.example.com/posts/other"
EMPTY = "https://blog.example.com/posts/empty"


@pytest.fixture
def counted(site):
    hello = make_thread(site, ARTICLE)
    for text in ("one", "two", "three"):
        make_comment(hello, text)
    make_comment(hello, "waiting", status=CommentStatus.PENDING)
    make_comment(hello, "junk", status=CommentStatus.SPAM)
    make_comment(hello, "gone", status=CommentStatus.DELETED)
    other = make_thread(site, OTHER)
    make_comment(other, "only")
    return site


def test_counts_many_urls_in_one_request_approved_only(client, counted):
    response = client.get("/api/counts", query_string={
        "site": counted.key, "url": [ARTICLE, OTHER, EMPTY]})
    assert response.status_code == 200
    assert response.json == {"counts": {ARTICLE: 3, OTHER: 1, EMPTY: 0}}
    assert response.headers["Cache-Control"] in ("public, max-age=30", "max-age=30, public")


def test_counts_are_keyed_by_the_url_as_given_and_normalized_for_lookup(client, counted):
    variants = [ARTICLE + "/", ARTICLE.upper().replace("/POSTS/HELLO", "/posts/hello"),
                ARTICLE + "?utm_source=feed#comments", "https://blog.example.com:443/posts/hello"]
    response = client.get("/api/counts", query_string={"site": counted.key, "url": variants})
    assert response.json == {"counts": {variant: 3 for variant in variants}}


def test_counts_of_another_site_are_not_mixed_in(client, counted):
    other_site = make_site("Other", origins=["https://blog.example.com"])
    response = client.get("/api/counts", query_string={"site": other_site.key, "url": ARTICLE})
    assert response.json == {"counts": {ARTICLE: 0}}


def test_counts_take_a_form_body_for_long_lists(client, counted):
    response = client.post(f"/api/counts?site={counted.key}", data={"url": [ARTICLE, OTHER]})
    assert response.status_code == 200
    assert response.json == {"counts": {ARTICLE: 3, OTHER: 1}}


def test_counts_take_one_query_for_the_counts(client, counted, count_queries):
    urls = [f"https://blog.example.com/posts/{index}" for index in range(99)] + [ARTICLE]
    query = {"site": counted.key, "url": urls}
    db.session.expunge_all()  # nothing cached in the session: the request must load it all
    with count_queries() as counter:
        response = client.get("/api/counts", query_string=query)
    assert response.status_code == 200
    assert response.json["counts"][ARTICLE] == 3
    assert counter.count <= 2, [s[:60] for s in counter.statements]  # the site, then the counts


@pytest.mark.parametrize("app_config", [{"COUNTS_MAX_URLS": 3}])
def test_too_many_urls_is_a_clear_400(client, counted):
    urls = [f"https://blog.example.com/posts/{index}" for index in range(4)]
    response = client.get("/api/counts", query_string={"site": counted.key, "url": urls})
    assert response.status_code == 400
    assert response.json["message"].startswith("At most 3 article URLs per request; this one has 4.")
    allowed = client.get("/api/counts", query_string={"site": counted.key, "url": urls[:3]})
    assert allowed.status_code == 200


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"url": ARTICLE}, 400, "Name the site"),
    ({"site": "nope", "url": ARTICLE}, 404, "No site is registered with the key “nope”"),
    ({"site": "{key}"}, 400, "Give at least one article URL"),
    ({"site": "{key}", "url": [ARTICLE, "javascript:alert(1)"]}, 400,
     "“javascript:alert(1)” is not an article URL: The article URL must start with http"),
    ({"site": "{key}", "url": "https://blog.example.com:99999/x"}, 400, "is not an article URL"),
])
def test_bad_count_requests_get_a_clear_json_error(client, counted, query, status, message):
    query = {name: value.replace("{key}", counted.key) if isinstance(value, str) else value
             for name, value in query.items()}
    response = client.get("/api/counts", query_string=query)
    assert response.status_code == status
    assert response.is_json
    assert message in response.json["message"]


def test_counts_may_be_read_by_the_sites_own_pages_only(client, counted):
    query = {"site": counted.key, "url": ARTICLE}
    allowed = client.get("/api/counts", query_string=query,
                         headers={"Origin": "https://blog.example.com"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://blog.example.com"
    assert "Origin" in allowed.headers["Vary"]
    foreign = client.get("/api/counts", query_string=query,
                         headers={"Origin": "https://evil.example.net"})
    assert foreign.status_code == 200
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert "Origin" in foreign.headers["Vary"]
    refused = client.get("/api/counts", query_string={"site": counted.key},
                         headers={"Origin": "https://blog.example.com"})
    assert refused.status_code == 400
    assert refused.headers["Access-Control-Allow-Origin"] == "https://blog.example.com"


def test_counts_need_no_csrf_token_for_the_form_body(client, counted):
    response = client.post(f"/api/counts?site={counted.key}", data={"url": ARTICLE},
                           headers={"Origin": "https://blog.example.com"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://blog.example.com"
