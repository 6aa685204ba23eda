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


ENCODED_PATH = "/2017/01/24/%E5%85%B3%E4%BA%8E2016%E7%9A%84%E4%B8%80%E4%BA%9B%E6%80%9D%E8%80%83"


@pytest.mark.parametrize(
    "raw",
    [
        "http://example.com/2017/01/24/关于2016的一些思考",  # as an export stores it
        "http://example.com" + ENCODED_PATH,  # as a browser sends it
        "http://example.com" + ENCODED_PATH.lower().replace("/%e5", "/%e5"),
        "http://EXAMPLE.com/2017/01/24/关于2016%E7%9A%84一些思考/",
    ],
)
def test_one_normal_form_for_non_ascii_paths(raw):
    assert normalize_url(raw) == "http://example.com" + ENCODED_PATH


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("https://x.org/a%e2%80%94b", "https://x.org/a%E2%80%94b"),  # hex in upper case
        ("https://x.org/%7Euser/%41bc", "https://x.org/~user/Abc"),  # unreserved unescaped
        ("https://x.org/a%2Fb", "https://x.org/a%2Fb"),  # a reserved escape means itself
        ("https://x.org/100%", "https://x.org/100%25"),  # a lone % is escaped
        ("https://x.org/a b", "https://x.org/a%20b"),
        ("https://x.org/a;b=c/@d:e", "https://x.org/a;b=c/@d:e"),  # path characters stay
        ("https://x.org/?q=关于&z=%e2%80%94", "https://x.org/?q=%E5%85%B3%E4%BA%8E&z=%E2%80%94"),
        ("https://bücher.example/é", "https://xn--bcher-kva.example/%C3%A9"),
    ],
)
def test_rfc_3986_normal_form(raw, normalized):
    assert normalize_url(raw) == normalized
    assert normalize_url(normalized) == normalized  # a fixed point
