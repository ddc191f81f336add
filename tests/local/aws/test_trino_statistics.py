"""The Commons Math port lands on the very doubles Trino's own tests assert, and the interval text."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from local.aws import trino_statistics as stats
from local.aws.coltypes import format_value

# (function, arguments, the double Trino's TestMathFunctions asserts)
_TRINO_VALUES = [
    (stats.normal_cdf, (0, 1, 1.96), 0.9750021048517796),
    (stats.normal_cdf, (-1.5, 2.1, -7.8), 0.0013498980316301035),
    (stats.inverse_normal_cdf, (0, 1, 0.3), -0.52440051270804089),
    (stats.inverse_normal_cdf, (10, 9, 0.9), 21.533964089901406),
    (stats.inverse_normal_cdf, (0.5, 0.25, 0.65), 0.59633011660189195),
    (stats.beta_cdf, (3, 3.6, 0.3), 0.21764809997679938),
    (stats.beta_cdf, (3, 3.6, 0.9), 0.9972502881611551),
    (stats.inverse_beta_cdf, (3, 3.6, 0.3), 0.3469675485440618),
    (stats.inverse_beta_cdf, (3, 3.6, 0.95), 0.7600272463100223),
    (stats.wilson_interval_lower, (1250, 1310, 1.96), 0.9414883725395894),
    (stats.wilson_interval_upper, (1250, 1310, 1.96), 0.9642524717143908),
]


@pytest.mark.parametrize(("function", "arguments", "expected"), _TRINO_VALUES)
def test_distribution_functions_match_trino_to_the_last_bit(function, arguments, expected) -> None:
    assert function(*arguments) == expected


def test_inverse_beta_cdf_stops_where_brent_does_not_at_the_exact_root() -> None:
    """Brent stops at Commons Math's accuracy: the answer is Trino's, not the root to double precision."""
    p = stats.inverse_beta_cdf(3.0, 3.6, 0.3)
    assert stats.beta_cdf(3.0, 3.6, p) != 0.3


def test_a_nan_argument_gives_nan_not_an_error() -> None:
    assert math.isnan(stats.normal_cdf(math.nan, 1.0, 0.0))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.timedelta(days=3, hours=19, minutes=26, seconds=24), "3 19:26:24.000"),
        (dt.timedelta(milliseconds=43), "0 00:00:00.043"),
        (-dt.timedelta(days=1, hours=3), "-1 03:00:00.000"),
    ],
)
def test_an_interval_day_to_second_prints_as_trino_does(value: dt.timedelta, text: str) -> None:
    assert format_value(value) == text
