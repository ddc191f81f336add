"""The endpoint's lake survives a restart: S3 objects and the Glue catalog come back from its state dir.

Each test runs real endpoint processes on a temporary state dir, writes over HTTP with boto3, stops
the endpoint (SIGKILL where a crash is the point) and reads everything back from a new one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aws_helpers import Lake, client

from local.aws.process import REPO_ROOT, start_endpoint, stop_endpoint
from local.aws.state_files import TEMPORARY_PREFIX, temporary_path

pytestmark = pytest.mark.slow  # starts, kills and restarts endpoint processes

MIB = 1024 * 1024


@contextmanager
def endpoint(state_dir: Path, *, crash: bool = False, bootstrap: bool = False) -> Iterator[str]:
    """An endpoint process kept in `state_dir`; stopped on exit, by SIGKILL when `crash`."""
    proc, url = start_endpoint(0, env=dict(os.environ), state_dir=state_dir, bootstrap=bootstrap)
    try:
        yield url
    finally:
        if crash:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        else:
            stop_endpoint(proc)


def on(lake: Lake, url: str) -> Lake:
    """The same bucket and database, through clients of the endpoint at `url`."""
    return dataclasses.replace(
        lake, url=url, s3=client("s3", url), glue=client("glue", url), athena=client("athena", url)
    )


def objects(lake: Lake) -> dict[str, dict[str, Any]]:
    """Every object of the lake's bucket as a client sees it: listing, headers and a digest of its bytes."""
    found = {}
    for page in lake.s3.get_paginator("list_objects_v2").paginate(Bucket=lake.bucket):
        for item in page.get("Contents", []):
            key = item["Key"]
            head = lake.s3.head_object(Bucket=lake.bucket, Key=key, ChecksumMode="ENABLED")
            body = lake.s3.get_object(Bucket=lake.bucket, Key=key)["Body"].read()
            found[key] = {
                "etag": item["ETag"],
                "size": item["Size"],
                "last_modified": item["LastModified"],
                "content_type": head["ContentType"],
                "metadata": head["Metadata"],
                "checksums": {k: v for k, v in head.items() if k.startswith("Checksum")},
                "sha256": hashlib.sha256(body).hexdigest(),
            }
    return found


def catalog(lake: Lake) -> dict[str, Any]:
    """The lake's Glue database, its tables and each table's partitions, as the Glue API returns them."""
    tables = lake.glue.get_tables(DatabaseName=lake.database)["TableList"]
    return {
        "database": lake.glue.get_database(Name=lake.database)["Database"],
        "tables": {t["Name"]: t for t in tables},
        "partitions": {
            t["Name"]: sorted(
                lake.glue.get_partitions(DatabaseName=lake.database, TableName=t["Name"])["Partitions"],
                key=lambda p: p["Values"],
            )
            for t in tables
        },
    }


def _multipart(lake: Lake, key: str, parts: list[bytes]) -> None:
    upload = lake.s3.create_multipart_upload(Bucket=lake.bucket, Key=key, ContentType="application/x-parquet")
    listing = []
    for number, body in enumerate(parts, start=1):
        etag = lake.s3.upload_part(
            Bucket=lake.bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=body
        )["ETag"]
        listing.append({"PartNumber": number, "ETag": etag})
    lake.s3.complete_multipart_upload(
        Bucket=lake.bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": listing}
    )


def _fill(lake: Lake) -> None:
    """Objects of every kind the lake holds, a CTAS's table and files, and a table written through Glue."""
    lake.s3.put_object(
        Bucket=lake.bucket,
        Key="plain.json",
        Body=b'{"a": 1}',
        ContentType="application/json",
        Metadata={"x": "1"},
    )
    lake.s3.put_object(Bucket=lake.bucket, Key="odd/é b%41+&=.txt", Body=b"odd key")
    lake.s3.put_object(Bucket=lake.bucket, Key="empty", Body=b"")
    lake.s3.put_object(Bucket=lake.bucket, Key="folder/", Body=b"")
    lake.s3.put_object(Bucket=lake.bucket, Key="crc.bin", Body=b"checked", ChecksumAlgorithm="CRC32")
    _multipart(lake, "export/part-00000.parquet", [os.urandom(16 * MIB), os.urandom(1000)])
    lake.s3.copy_object(
        Bucket=lake.bucket, Key="copy.json", CopySource={"Bucket": lake.bucket, "Key": "plain.json"}
    )
    lake.orders_by_day()
    lake.ok(
        f"CREATE TABLE daily WITH (external_location = 's3://{lake.bucket}/gold/daily/', "
        "partitioned_by = ARRAY['dt']) AS SELECT sum(amount) AS revenue, dt FROM orders GROUP BY dt"
    )
    lake.glue.create_table(
        DatabaseName=lake.database,
        TableInput={
            "Name": "by_glue",
            "StorageDescriptor": {
                "Columns": [{"Name": "v", "Type": "int"}],
                "Location": f"s3://{lake.bucket}/by_glue/",
            },
            "PartitionKeys": [{"Name": "dt", "Type": "string"}],
            "Parameters": {"classification": "parquet"},
        },
    )
    lake.glue.batch_create_partition(
        DatabaseName=lake.database,
        TableName="by_glue",
        PartitionInputList=[
            {"Values": [day], "StorageDescriptor": {"Location": f"s3://{lake.bucket}/by_glue/dt={day}/"}}
            for day in ("2024-01-01", "2024-01-02", "2024-01-03")
        ],
    )
    lake.glue.update_partition(
        DatabaseName=lake.database,
        TableName="by_glue",
        PartitionValueList=["2024-01-02"],
        PartitionInput={
            "Values": ["2024-01-02"],
            "StorageDescriptor": {"Location": f"s3://{lake.bucket}/by_glue/_runs/r1/dt=2024-01-02/"},
        },
    )


DAILY = "SELECT dt, revenue FROM daily ORDER BY dt"


def test_a_killed_endpoint_comes_back_with_every_object_and_the_catalog(tmp_path: Path) -> None:
    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True) as url:
        lake = Lake.create(url)
        _fill(lake)
        rows = lake.ok(DAILY).rows  # first: a query writes its result file to the bucket
        before = objects(lake), catalog(lake), rows
    assert before[0]["export/part-00000.parquet"]["etag"].endswith('-2"')
    assert before[2] == [["2024-01-01", "4.5"], ["2024-01-02", "4.5"]]

    with endpoint(state_dir, crash=True) as url:
        lake = on(lake, url)
        assert objects(lake) == before[0]
        assert catalog(lake) == before[1]
        assert lake.ok(DAILY).rows == before[2]
        lake.ok("INSERT INTO daily SELECT 10.0, '2024-01-09'")  # and it goes on writing
        after_insert = objects(lake), catalog(lake)

    with endpoint(state_dir) as url:
        lake = on(lake, url)
        assert (objects(lake), catalog(lake)) == after_insert
        assert lake.ok(DAILY).rows[-1] == ["2024-01-09", "10.0"]


def test_deletes_stay_deleted_and_a_re_created_bucket_holds_only_its_new_objects(tmp_path: Path) -> None:
    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True) as url:
        lake = Lake.create(url)
        for key in ("keep", "gone-one", "gone-two", "gone-three"):
            lake.s3.put_object(Bucket=lake.bucket, Key=key, Body=key.encode())
        lake.s3.delete_object(Bucket=lake.bucket, Key="gone-one")
        lake.s3.delete_objects(
            Bucket=lake.bucket, Delete={"Objects": [{"Key": "gone-two"}, {"Key": "gone-three"}]}
        )
        lake.s3.put_object(Bucket=lake.bucket, Key="keep", Body=b"rewritten")

        other = Lake.create(url, "other")
        other.s3.put_object(Bucket=other.bucket, Key="old", Body=b"old")
        other.s3.delete_object(Bucket=other.bucket, Key="old")
        other.s3.delete_bucket(Bucket=other.bucket)
        other.s3.create_bucket(Bucket=other.bucket)
        other.s3.put_object(Bucket=other.bucket, Key="new", Body=b"new")
        lake.s3.create_bucket(Bucket=f"{lake.bucket}-dropped")
        lake.s3.delete_bucket(Bucket=f"{lake.bucket}-dropped")

        for name in ("t_keep", "t_gone"):
            lake.glue.create_table(
                DatabaseName=lake.database,
                TableInput={"Name": name, "PartitionKeys": [{"Name": "dt", "Type": "string"}]},
            )
        lake.glue.batch_create_partition(
            DatabaseName=lake.database,
            TableName="t_keep",
            PartitionInputList=[{"Values": ["1"]}, {"Values": ["2"]}],
        )
        lake.glue.delete_partition(DatabaseName=lake.database, TableName="t_keep", PartitionValues=["1"])
        lake.glue.delete_table(DatabaseName=lake.database, Name="t_gone")
        lake.ok(f"CREATE DATABASE {lake.database}_dropped")
        lake.ok(f"CREATE EXTERNAL TABLE {lake.database}_dropped.t (a int) LOCATION 's3://{lake.bucket}/t/'")
        lake.ok(f"DROP DATABASE {lake.database}_dropped CASCADE")

    with endpoint(state_dir, crash=True) as url:
        lake, other = on(lake, url), on(other, url)
        kept = {k: v["sha256"] for k, v in objects(lake).items() if not k.startswith("athena-results/")}
        assert kept == {"keep": hashlib.sha256(b"rewritten").hexdigest()}
        assert list(objects(other)) == ["new"]
        buckets = {b["Name"] for b in lake.s3.list_buckets()["Buckets"]}
        assert f"{lake.bucket}-dropped" not in buckets
        assert [t["Name"] for t in lake.glue.get_tables(DatabaseName=lake.database)["TableList"]] == [
            "t_keep"
        ]
        partitions = lake.glue.get_partitions(DatabaseName=lake.database, TableName="t_keep")["Partitions"]
        assert [p["Values"] for p in partitions] == [["2"]]
        names = {d["Name"] for d in lake.glue.get_databases()["DatabaseList"]}
        assert lake.database in names
        assert f"{lake.database}_dropped" not in names


def test_half_written_files_and_unfinished_uploads_are_not_objects_after_a_crash(tmp_path: Path) -> None:
    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True) as url:
        lake = Lake.create(url)
        lake.s3.put_object(Bucket=lake.bucket, Key="whole", Body=b"whole")
        upload = lake.s3.create_multipart_upload(Bucket=lake.bucket, Key="unfinished")
        lake.s3.upload_part(
            Bucket=lake.bucket, Key="unfinished", UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 100
        )
    # What a write killed before its rename leaves: a complete-looking object file under the
    # temporary name the writer gives it (which ends like an object file's, so only the rule
    # that temporaries are not state keeps it out), and a new bucket's folder likewise.
    [written] = (state_dir / "s3" / lake.bucket).rglob("*.obj")
    ghost = written.read_bytes().replace(b'"key": "whole"', b'"key": "ghost"')
    planted = temporary_path(written)
    planted.write_bytes(ghost)
    assert planted.match("*.obj") and planted.name.startswith(TEMPORARY_PREFIX)
    temporary_path(state_dir / "s3" / "bucket").mkdir()
    (state_dir / "s3" / "half-made-bucket").mkdir()  # folder made, bucket.json not yet written

    with endpoint(state_dir, crash=True) as url:
        lake = on(lake, url)
        assert list(objects(lake)) == ["whole"]
        assert lake.s3.list_multipart_uploads(Bucket=lake.bucket).get("Uploads", []) == []
        buckets = {b["Name"] for b in lake.s3.list_buckets()["Buckets"]}
        assert buckets == {lake.bucket}
    assert not [p for p in state_dir.rglob("*") if p.name.startswith(TEMPORARY_PREFIX)]


def test_an_endpoint_killed_while_writing_an_object_comes_back_with_the_object_before_it(
    tmp_path: Path,
) -> None:
    """A real kill in the middle of writing an object's file: the object comes back as it was.

    The test watches the object's folder for the writer's temporary file and kills the endpoint
    the moment it appears, long before a large object's bytes are all in it. A write that was
    not caught (a machine too busy to look in time) just completes, and is tried again.
    """
    state_dir = tmp_path / "lake"
    proc, url = start_endpoint(0, env=dict(os.environ), state_dir=state_dir)
    try:
        lake = Lake.create(url)
        before = os.urandom(1000)
        lake.s3.put_object(Bucket=lake.bucket, Key="big", Body=before)
        [written] = (state_dir / "s3" / lake.bucket).rglob("*.obj")
        temporaries: list[Path] = []
        for _attempt in range(5):
            after = os.urandom(64 * MIB)
            writer = threading.Thread(target=_put_once, args=(url, lake.bucket, "big", after), daemon=True)
            writer.start()
            while not temporaries and writer.is_alive():
                time.sleep(0.001)
                temporaries = [p for p in written.parent.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]
            if temporaries:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                break
            before = after  # written whole before it was seen: the object it now replaces
        writer.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert temporaries, "the endpoint was never caught writing the object's file"
    [partial] = temporaries
    assert partial.stat().st_size < len(after)  # killed half-way through

    with endpoint(state_dir, crash=True) as url:
        lake = on(lake, url)
        assert lake.s3.get_object(Bucket=lake.bucket, Key="big")["Body"].read() == before
    assert not [p for p in state_dir.rglob("*") if p.name.startswith(TEMPORARY_PREFIX)]


def _put_once(url: str, bucket: str, key: str, body: bytes) -> None:
    """One PUT, not retried: when the endpoint is killed under it, its failure is the point."""
    import boto3
    from botocore.config import Config

    s3 = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with contextlib.suppress(Exception):
        s3.put_object(Bucket=bucket, Key=key, Body=body)


def test_a_buckets_versioning_set_after_it_was_created_is_kept(tmp_path: Path) -> None:
    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True) as url:
        lake = Lake.create(url)
        lake.s3.put_object(Bucket=lake.bucket, Key="k", Body=b"v")
        lake.s3.put_bucket_versioning(Bucket=lake.bucket, VersioningConfiguration={"Status": "Enabled"})
    with endpoint(state_dir, crash=True) as url:
        lake = on(lake, url)
        assert lake.s3.get_bucket_versioning(Bucket=lake.bucket)["Status"] == "Enabled"
        lake.s3.put_bucket_versioning(Bucket=lake.bucket, VersioningConfiguration={"Status": "Suspended"})
    with endpoint(state_dir, crash=True) as url:
        lake = on(lake, url)
        assert lake.s3.get_bucket_versioning(Bucket=lake.bucket)["Status"] == "Suspended"
        assert lake.s3.get_object(Bucket=lake.bucket, Key="k")["Body"].read() == b"v"


def test_a_write_to_one_glue_table_writes_its_file_without_walking_the_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partition published costs a look at its table, not at every table and partition of the
    lake; what the files then hold is what a restarted endpoint serves."""
    from local.aws.glue_files import GlueFiles
    from local.aws.server import LocalAwsServer

    walks: list[GlueFiles] = []
    walk = GlueFiles._sync_catalog
    monkeypatch.setattr(GlueFiles, "_sync_catalog", lambda self: walks.append(self) or walk(self))
    state_dir = tmp_path / "lake"
    server = LocalAwsServer(port=0, workers=1, state_dir=state_dir)  # in this process, to count walks
    server.start()
    try:
        lake = Lake.create(server.url)
        lake.glue.create_table(DatabaseName=lake.database, TableInput={"Name": "other"})
        walks.clear()  # a new database is a change to no one table: the catalog is walked
        _fill(lake)
        lake.glue.create_table(DatabaseName=lake.database, TableInput={"Name": "gone"})
        lake.glue.delete_table(DatabaseName=lake.database, Name="gone")
        lake.glue.delete_partition(
            DatabaseName=lake.database, TableName="by_glue", PartitionValues=["2024-01-03"]
        )
        served = catalog(lake)
    finally:
        server.stop()
    assert walks == []
    assert set(served["tables"]) == {"other", "orders", "daily", "by_glue"}

    with endpoint(state_dir) as url:
        assert catalog(on(lake, url)) == served


def test_concurrent_writes_to_the_same_keys_restore_as_last_served(tmp_path: Path) -> None:
    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True) as url:
        lake = Lake.create(url)

        def write(worker: int) -> None:
            s3 = client("s3", url)
            for n in range(15):
                s3.put_object(Bucket=lake.bucket, Key=f"k{n % 4}", Body=f"{worker}-{n}".encode() * (n + 1))

        threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        served = objects(lake)
    assert len(served) == 4
    with endpoint(state_dir, crash=True) as url:
        assert objects(on(lake, url)) == served


def test_the_lakes_resources_are_created_again_on_start(tmp_path: Path) -> None:
    from lakehouse.catalog_spec import buckets, databases
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True, bootstrap=True) as url:
        s3, glue = client("s3", url), client("glue", url)
        assert set(buckets(config)) <= {b["Name"] for b in s3.list_buckets()["Buckets"]}
        s3.put_object(Bucket=config.lake.bucket, Key="bronze/kept", Body=b"kept")
        s3.delete_bucket(Bucket=config.lake.athena_results_bucket)
        glue.delete_database(Name=config.lake.databases.staging)
    with endpoint(state_dir, crash=True, bootstrap=True) as url:
        s3, glue, athena = client("s3", url), client("glue", url), client("athena", url)
        assert set(buckets(config)) <= {b["Name"] for b in s3.list_buckets()["Buckets"]}
        assert set(databases(config)) <= {d["Name"] for d in glue.get_databases()["DatabaseList"]}
        assert s3.get_object(Bucket=config.lake.bucket, Key="bronze/kept")["Body"].read() == b"kept"
        assert glue.get_crawler(Name=config.lake.crawler)["Crawler"]["DatabaseName"] == (
            config.lake.databases.bronze
        )
        athena.get_work_group(WorkGroup=config.lake.workgroup)


def test_a_state_dir_serves_one_endpoint_at_a_time(tmp_path: Path) -> None:
    from local.aws.persistence import LakeState, StateDirInUse

    state_dir = tmp_path / "lake"
    with endpoint(state_dir, crash=True), pytest.raises(StateDirInUse, match="in use by another local AWS"):
        LakeState(state_dir).open()


def test_the_state_dir_comes_from_the_environment_and_ephemeral_writes_none(tmp_path: Path) -> None:
    from_env, unused = tmp_path / "from-env", tmp_path / "unused"
    for flags, state_dir in (([], from_env), (["--ephemeral"], unused)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "local.aws", "--port", "0", "--no-bootstrap", *flags],
            cwd=REPO_ROOT,
            env={**os.environ, "LAKEHOUSE_AWS_STATE_DIR": str(state_dir)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split()[-1]
            lake = Lake.create(url)
            lake.s3.put_object(Bucket=lake.bucket, Key="k", Body=b"v")
        finally:
            proc.kill()
            proc.wait()
    assert list((from_env / "s3").rglob("*.obj"))
    assert not unused.exists()


def test_without_a_setting_the_lake_is_kept_under_local_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from local.aws.persistence import STATE_DIR_ENV, default_state_dir
    from local.paths import LOCAL_DIR

    monkeypatch.delenv(STATE_DIR_ENV, raising=False)
    assert default_state_dir() == LOCAL_DIR / "aws" / "lake"  # so `make clean` (rm -rf .local) starts over
