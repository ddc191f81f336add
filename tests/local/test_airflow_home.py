"""The local Airflow home: a database already at Airflow's migration heads is not migrated again."""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from local.airflow_home import is_migrated, migration_heads


def test_the_heads_read_from_the_migration_files_are_the_ones_airflow_names() -> None:
    from airflow.utils.db import _REVISION_HEADS_MAP

    assert migration_heads() == {list(_REVISION_HEADS_MAP.values())[-1]}


def test_only_a_database_at_the_heads_counts_as_migrated(make_database: Callable[[], str]) -> None:
    dsn = make_database()
    assert not is_migrated(dsn)  # no alembic_version table: never migrated
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("create table alembic_version (version_num varchar(32) primary key)")
        conn.execute("insert into alembic_version values ('0000older0000')")
        assert not is_migrated(dsn)
        conn.execute("update alembic_version set version_num = %s", (next(iter(migration_heads())),))
    assert is_migrated(dsn)
