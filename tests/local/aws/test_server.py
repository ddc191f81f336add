"""The endpoint's server: what a passed-through S3 write is reported as, and a clean stop at any time.

In process: the change log (changes.py) is the same object the server reports to, so a listener
subscribed here hears what a write was reported as, with no HTTP round trip needed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from local.aws import server as server_module
from local.aws.changes import CHANGES, GlueTable
from local.aws.server import LocalAwsServer, _report_write


class _Heard:
    """A change-log listener that keeps what it is told."""

    def __init__(self) -> None:
        self.s3: list[tuple[str | None, str]] = []
        self.glue: list[GlueTable | None] = []

    def s3_changed(self, bucket: str | None, key: str) -> None:
        self.s3.append((bucket, key))

    def glue_changed(self, table: GlueTable | None) -> None:
        self.glue.append(table)


@pytest.fixture
def heard() -> Iterator[_Heard]:
    listener = _Heard()
    CHANGES.subscribe(listener)
    try:
        yield listener
    finally:
        CHANGES.unsubscribe(listener)


def _put(host: str, path: str, query: str = "") -> dict[str, Any]:
    """The WSGI environ of a signed S3 PUT, as moto's request handler builds it."""
    return {
        "REQUEST_METHOD": "PUT",
        "HTTP_HOST": host,
        "PATH_INFO": path,
        "RAW_URI": f"{path}?{query}" if query else path,
        "QUERY_STRING": query,
        "SERVER_NAME": host.rsplit(":", 1)[0],
        "SERVER_PORT": "4566",
        "wsgi.url_scheme": "http",
    }


@pytest.mark.parametrize(
    "host",
    [
        "local-aws:4566",  # docker compose's service name: no dot
        "local-aws",
        "localhost:4566",
        "127.0.0.1:4566",
        "[::1]:4566",
        "s3.amazonaws.com",
    ],
)
def test_a_path_style_write_is_reported_for_its_bucket_and_key_whatever_the_host(
    heard: _Heard, host: str
) -> None:
    """moto reads the bucket from the path for these hosts: a write there changes one key only,
    and reporting it as a change to every bucket would walk the whole lake on every PUT."""
    _report_write(_put(host, "/lake/raw/a.parquet"), "", "s3")
    _report_write(_put(host, "/lake", "versioning"), "", "s3")
    _report_write(_put(host, "/lake", "delete"), "", "s3")
    assert heard.s3 == [("lake", "raw/a.parquet"), ("lake", ""), ("lake", "")]


def test_a_virtual_host_style_write_is_reported_for_every_bucket(heard: _Heard) -> None:
    """The bucket is in the host there, not the path: the path's first part is a key's."""
    _report_write(_put("lake.s3.amazonaws.com", "/raw/a.parquet"), "", "s3")
    _report_write(_put("lake.localhost.localstack.cloud:4566", "/raw/a.parquet"), "", "s3")
    assert heard.s3 == [(None, ""), (None, "")]


class _LateThread(threading.Thread):
    """A thread that reaches its work late, as one may on a loaded machine."""

    def run(self) -> None:
        time.sleep(0.3)
        super().run()


def test_a_server_stopped_right_after_it_started_shuts_down_cleanly(monkeypatch: pytest.MonkeyPatch) -> None:
    """stop() before the serving thread reaches its loop must still end that loop, not close the
    socket under it (the loop would then fail on a closed socket, or poll a reused descriptor)."""
    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    server = LocalAwsServer(port=0, workers=1)
    with monkeypatch.context() as late:
        late.setattr(server_module.threading, "Thread", _LateThread)
        server.start()
    thread = server._thread
    assert thread is not None
    server.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert failures == []


def test_a_glue_write_is_reported_for_the_table_it_names_and_still_reaches_moto(heard: _Heard) -> None:
    """Named, a table alone is compared with the lake's files; unnamed, the whole catalog is."""
    from aws_helpers import Lake

    server = LocalAwsServer(port=0, workers=1)
    server.start()
    try:
        lake = Lake.create(server.url)
        database = lake.database
        heard.glue.clear()
        lake.glue.create_table(
            DatabaseName=database,
            TableInput={"Name": "t", "PartitionKeys": [{"Name": "dt", "Type": "string"}]},
        )
        lake.glue.batch_create_partition(
            DatabaseName=database, TableName="t", PartitionInputList=[{"Values": ["1"]}, {"Values": ["2"]}]
        )
        lake.glue.update_table(
            DatabaseName=database,
            TableInput={"Name": "t", "Description": "d", "PartitionKeys": [{"Name": "dt", "Type": "string"}]},
        )
        lake.glue.delete_partition(DatabaseName=database, TableName="t", PartitionValues=["1"])
        lake.ok(f"ALTER TABLE t ADD PARTITION (dt = '3') LOCATION 's3://{lake.bucket}/t/dt=3/'")
        lake.glue.create_table(DatabaseName=database, TableInput={"Name": "u"})
        lake.glue.delete_table(DatabaseName=database, Name="u")
        lake.glue.create_table(DatabaseName=database, TableInput={"Name": "v"})
        lake.glue.batch_delete_table(DatabaseName=database, TablesToDelete=["v"])
        lake.glue.create_database(DatabaseInput={"Name": f"{database}_2"})

        table = lake.glue.get_table(DatabaseName=database, Name="t")["Table"]
        partitions = lake.glue.get_partitions(DatabaseName=database, TableName="t")["Partitions"]
    finally:
        server.stop()
    assert table["Description"] == "d"
    assert sorted(p["Values"] for p in partitions) == [["2"], ["3"]]
    t, u, v = ((database, name) for name in "tuv")
    assert heard.glue == [
        t,  # CreateTable
        t,  # BatchCreatePartition
        t,  # UpdateTable
        t,  # DeletePartition
        t,  # ALTER TABLE ... ADD PARTITION, through the endpoint's own catalog
        u,  # CreateTable
        u,  # DeleteTable
        v,  # CreateTable
        None,  # BatchDeleteTable: several tables
        None,  # CreateDatabase
    ]
