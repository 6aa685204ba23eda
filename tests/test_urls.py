import pytest

from widget.urls import InvalidURL, normalize_url, origin_of


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("https://Blog.Example.com/posts/hello", "https://blog.example.com/posts/hello"),
        ("HTTPS://blog.example.com/posts/hello/", "https://blog.example.com/posts/hello"),
        ("https://blog.example.com:443/posts/hello", "https://blog.example.com/posts/hello"),
        ("http://blog.example.com:80/a", "http://blog.example.com/a"),
        ("http://blog.example.com:8080/a", "http://blog.example.com:8080/a"),
        ("https://blog.example.com/posts/hello#comments", "https://blog.example.com/posts/hello"),
        ("https://blog.example.com", "https://blog.example.com/"),
        ("https://blog.example.com/", "https://blog.example.com/"),
        ("https://blog.example.com/a?utm_source=x&utm_medium=y", "https://blog.example.com/a"),
        ("https://blog.example.com/a?fbclid=1&gclid=2&p=4", "https://blog.example.com/a?p=4"),
        ("https://blog.example.com/?p=4", "https://blog.example.com/?p=4"),
        ("https://blog.example.com/?b=2&a=1", "https://blog.example.com/?a=1&b=2"),
        ("  https://blog.example.com/a  ", "https://blog.example.com/a"),
        ("https://[::1]:8443/a", "https://[::1]:8443/a"),
        ("https://blog.example.com/caf%C3%A9", "https://blog.example.com/caf%C3%A9"),
        ("https://Bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("http://[2001:DB8::0001]/a", "http://[2001:db8::1]/a"),
    ],
)
def test_normalize_url(raw, normalized):
    assert normalize_url(raw) == normalized


def test_query_parameters_name_their_own_article():
    assert normalize_url("https://x.org/?p=4") != normalize_url("https://x.org/?p=5")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "missing"),
        ("not a url", "http"),
        ("javascript:alert(1)", "http"),
        ("ftp://x.org/a", "http"),
        ("https:///path", "host"),
        ("https://x.org:99999/", "malformed"),
        ("https://x.org/\x00", "control"),
        ("https://x.org/" + "a" * 3000, "longer"),
        ('https://a b;c"x/', "invalid host"),
        ("https://evil.example';script-src/", "invalid host"),
        ("https://-bad-.example/", "invalid host"),
        ("http://[zz::1]/", "malformed|invalid"),
    ],
)
def test_invalid_urls_are_refused_with_a_reason(raw, message):
    with pytest.raises(InvalidURL, match=message):
        normalize_url(raw)


def test_origin_of():
    assert origin_of("https://Blog.example.com:443/x?y#z") == "https://blog.example.com"
    assert origin_of("http://127.0.0.1:5000/") == "http://127.0.0.1:5000"
