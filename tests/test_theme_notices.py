"""Notice and error pages follow the snippet's theme (theme=dark on a dark host), as the
thread does: origin refused, unknown site, 413, 429 and the database's 503."""

import re

import pytest

from .abuse_helpers import comment_fields, fresh_token, thread_path

OTHER_ORIGIN_ARTICLE = "https://elsewhere.example.net/post"


def theme_of(response):
    match = re.search(r'<html[^>]*\sdata-theme="([^"]+)"', response.get_data(as_text=True))
    return match.group(1) if match else None


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_refusals_follow_the_theme(client, site, theme):
    refused = client.get(thread_path(site.key, OTHER_ORIGIN_ARTICLE, theme=theme))
    assert refused.status_code == 403 and theme_of(refused) == theme
    unknown = client.get(thread_path("no-such-site", theme=theme))
    assert unknown.status_code == 404 and theme_of(unknown) == theme


def test_a_made_up_theme_is_not_written_into_the_page(client, site):
    response = client.get(thread_path("no-such-site", theme='dark" onload="x'))
    assert theme_of(response) is None and "onload" not in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4096}])
def test_too_large_follows_the_theme(client, site):
    token = fresh_token(client, site.key)
    response = client.post(thread_path(site.key, theme="dark"),
                           data=comment_fields(token, "x" * 5000))
    assert response.status_code == 413 and theme_of(response) == "dark"


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "RATELIMIT_POST_THREAD": "1 per minute"}])
def test_too_many_follows_the_theme(client, site):
    for text in ("One", "Two"):
        token = fresh_token(client, site.key)
        response = client.post(thread_path(site.key, theme="dark"),
                               data=comment_fields(token, text))
    assert response.status_code == 429 and theme_of(response) == "dark"
