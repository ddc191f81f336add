"""Test session setup: a real embedded Postgres and a migrated local Airflow home.

The environment is set before anything imports Airflow, exactly as `.local/env`
sets it for a developer, so tests run the same configuration the demo does.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest

from local.airflow_home import init as init_airflow_home

os.environ.update(init_airflow_home())

from local.postgres import EmbeddedPostgres  # noqa: E402


@pytest.fixture(scope="session")
def pg() -> EmbeddedPostgres:
    """The project's embedded server (started by the session setup above)."""
    return EmbeddedPostgres()


@pytest.fixture
def make_database(pg: EmbeddedPostgres) -> Iterator[Callable[[], str]]:
    """Create throw-away databases on the embedded server; returns their DSNs."""
    created: list[str] = []

    def make() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        pg.ensure_database(name)
        created.append(name)
        return pg.dsn(name)

    yield make
    with psycopg.connect(pg.dsn("postgres"), autocommit=True) as conn:
        for name in created:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture
def shop_dsn(make_database: Callable[[], str]) -> str:
    """A fresh database holding a small seeded shop (3,000 orders, default seed)."""
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop
    from local.shop.model import ShopSpec

    dsn = make_database()
    with psycopg.connect(dsn, autocommit=True) as conn:
        replace_shop(conn, generate_shop(ShopSpec(orders=3_000)))
    return dsn
