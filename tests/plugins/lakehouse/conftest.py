"""Fixtures for the export's tests: a source database reachable as an Airflow connection."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

import psycopg
import pytest

SOURCE_CONN_ID = "export_source"


@dataclass
class Source:
    """A fresh database on the embedded server, registered as Airflow connection `export_source`."""

    dsn: str
    conn_id: str = SOURCE_CONN_ID

    def execute(self, sql: str, params: object = None) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(sql, params)

    def rows(self, sql: str, params: object = None) -> list[tuple]:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture
def source(make_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> Source:
    dsn = make_database()
    url = urlparse(dsn)
    connection = {
        "conn_type": "postgres",
        "host": url.hostname,
        "port": url.port,
        "login": url.username,
        "password": url.password,
        "schema": url.path.lstrip("/"),
    }
    monkeypatch.setenv(f"AIRFLOW_CONN_{SOURCE_CONN_ID.upper()}", json.dumps(connection))
    return Source(dsn)
