"""PostgresArrowHook's connection string: libpq must read back exactly what the Airflow connection holds."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlparse

import pytest
from psycopg.conninfo import conninfo_to_dict

from lakehouse.hooks.postgres_arrow import PostgresArrowHook, libpq_conninfo

AWKWARD = "it's a p\\ss word = 'quoted' \u00e9"


def test_libpq_reads_back_every_value_even_with_quotes_backslashes_and_spaces() -> None:
    params = {"host": "db.internal", "port": 5432, "user": "o'brien", "password": AWKWARD, "dbname": "a b"}
    # conninfo_to_dict parses with libpq's own PQconninfoParse.
    assert conninfo_to_dict(libpq_conninfo(params)) == {key: str(value) for key, value in params.items()}


def test_empty_and_missing_values_are_left_to_libpq_defaults() -> None:
    assert conninfo_to_dict(libpq_conninfo({"host": "h", "user": None, "password": ""})) == {"host": "h"}


def test_a_role_with_an_awkward_password_connects_through_the_airflow_connection(
    source: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    escaped = AWKWARD.replace("'", "''")
    source.execute(f"create role awkward_exporter login password '{escaped}'")
    try:
        url = urlparse(source.dsn)
        connection = {
            "conn_type": "postgres",
            "host": url.hostname,
            "port": url.port,
            "login": "awkward_exporter",
            "password": AWKWARD,
            "schema": url.path.lstrip("/"),
        }
        monkeypatch.setenv("AIRFLOW_CONN_AWKWARD", json.dumps(connection))
        with PostgresArrowHook("awkward").snapshot() as snapshot:
            assert snapshot.rows("select current_user") == [("awkward_exporter",)]
    finally:
        source.execute("drop role awkward_exporter")
