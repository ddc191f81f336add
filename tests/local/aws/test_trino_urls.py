"""The Java semantics the URL family reimplements, checked without an endpoint.

URI parsing and form encoding follow java.net.URI, URLDecoder and Guava; these pin the corners
the conformance statements cannot reach cheaply.
"""

from __future__ import annotations

import pytest

from local.aws import trino_urls as tu


@pytest.mark.parametrize(
    ("url", "parts"),
    [
        ("http://u@h.com:81/p%20q?a=1#f", ("http", "h.com", 81, "/p q", "a=1", "f")),
        ("http://my_host.com/p", ("http", "", None, "/p", "", "")),
        ("mailto:a@b.com", ("mailto", "", None, "", "", "")),
        ("www.example.com/p", ("", "", None, "www.example.com/p", "", "")),
        ("http://a.com:/x", ("http", "a.com", None, "/x", "", "")),
        ("http://1.2.3.4:8/", ("http", "1.2.3.4", 8, "/", "", "")),
    ],
)
def test_uri_parts_follow_java_net_uri(url: str, parts: tuple[object, ...]) -> None:
    scheme, host = (tu.url_extract(url, p) for p in ("scheme", "host"))
    path, query, fragment = (tu.url_extract(url, p) for p in ("path", "query", "fragment"))
    assert (scheme, host, tu.url_extract_port(url), path, query, fragment) == parts


@pytest.mark.parametrize(
    "url", ["http://a b/", "http://a.com/%zz", "http://a.com/x y", ":x", "http://a.com/<"]
)
def test_invalid_uri_is_null(url: str) -> None:
    assert tu.url_extract(url, "host") is None and tu.url_extract_port(url) is None


def test_form_encoding_is_guavas() -> None:
    assert tu.url_encode("a b~*é") == "a+b%7E*%C3%A9"
    assert tu.url_decode("a+b%7E") == "a b~"
    with pytest.raises(ValueError, match="INVALID_FUNCTION_ARGUMENT"):
        tu.url_decode("%2")
