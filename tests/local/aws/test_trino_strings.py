"""The Java semantics the strings family reimplements, checked without an endpoint.

Replacement strings, URI parsing and form encoding follow java.util.regex, java.net.URI,
URLDecoder and Guava; these pin the corners the conformance statements cannot reach cheaply.
"""

from __future__ import annotations

import pytest
from sqlglot import exp

from local.aws import trino_strings as ts


@pytest.mark.parametrize(
    ("java", "groups", "re2"),
    [
        ("3c$2 ", (2, {}), "3c\\2 "),
        ("\\$1", (1, {}), "$1"),
        ("\\\\", (0, {}), "\\\\"),
        ("$12", (2, {}), "\\12"),
        ("${n}", (1, {"n": 1}), "\\1"),
        ("a\\tb", (0, {}), "atb"),
    ],
)
def test_java_replacement_is_spelled_for_re2(java: str, groups: tuple[int, dict[str, int]], re2: str) -> None:
    assert ts._re2_replacement(java, groups) == re2


@pytest.mark.parametrize("java", ["$3", "x$", "\\", "${m}", "$x"])
def test_bad_java_replacement_fails_on_a_match(java: str) -> None:
    assert isinstance(ts._re2_replacement(java, (2, {"n": 1})), exp.Expression)


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
    scheme, host = (ts.url_extract(url, p) for p in ("scheme", "host"))
    path, query, fragment = (ts.url_extract(url, p) for p in ("path", "query", "fragment"))
    assert (scheme, host, ts.url_extract_port(url), path, query, fragment) == parts


@pytest.mark.parametrize(
    "url", ["http://a b/", "http://a.com/%zz", "http://a.com/x y", ":x", "http://a.com/<"]
)
def test_invalid_uri_is_null(url: str) -> None:
    assert ts.url_extract(url, "host") is None and ts.url_extract_port(url) is None


def test_form_encoding_is_guavas() -> None:
    assert ts.url_encode("a b~*é") == "a+b%7E*%C3%A9"
    assert ts.url_decode("a+b%7E") == "a b~"
    with pytest.raises(ValueError, match="INVALID_FUNCTION_ARGUMENT"):
        ts.url_decode("%2")


def test_json_values_are_canonical_like_trinos() -> None:
    assert ts.canonical_json('{"b": [1e20, 2.50], "a": "x\\u0001"}') == '{"a":"x\\u0001","b":[1.0E20,2.5]}'
    with pytest.raises(ValueError):
        ts.canonical_json("NaN")
