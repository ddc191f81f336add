"""The Java semantics the JSON family reimplements, checked without an endpoint.

Trino's JSON values are Jackson's canonical text; this pins the corners the conformance
statements cannot reach cheaply.
"""

from __future__ import annotations

import pytest

from local.aws import trino_json as tj


def test_json_values_are_canonical_like_trinos() -> None:
    assert tj.canonical_json('{"b": [1e20, 2.50], "a": "x\\u0001"}') == '{"a":"x\\u0001","b":[1.0E20,2.5]}'
    with pytest.raises(ValueError):
        tj.canonical_json("NaN")
