"""Fixtures shared by the shop's tests."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest


@pytest.fixture
def conn(shop_dsn: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to a freshly seeded shop of this test's own."""
    with psycopg.connect(shop_dsn, autocommit=True) as connection:
        yield connection
