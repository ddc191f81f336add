"""The Java semantics the strings family reimplements, checked without an endpoint.

Replacement strings follow java.util.regex; these pin the corners the conformance statements
cannot reach cheaply.
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
