"""A full export split over key ranges into slices (separate tasks) writes exactly the rows one
task writes, each slice replacing only its own files."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aws_helpers import Lake

from lakehouse.export.query import ExportRequestError
from lakehouse.export.slices import plan_slices
from lakehouse.operators.postgres_to_bronze import PostgresToBronzeOperator

PREFIX = "bronze/events/ingest_date=2024-03-01/"
ROWS = 3000


def export(source: Any, lake: Lake, key_slice: dict | None = None) -> dict:
    task_id = "export" if key_slice is None else f"export_{key_slice['index']}"
    return PostgresToBronzeOperator(
        task_id=task_id,
        table="events",
        bucket=lake.bucket,
        ingest_date="2024-03-01",
        mode="full",
        postgres_conn_id=source.conn_id,
        key_slice=key_slice,
        target_file_bytes=64 * 1024,  # several files per slice
    ).execute({})


def partition(lake: Lake) -> tuple[list[str], pa.Table]:
    keys = sorted(lake.keys(PREFIX))
    tables = [
        pq.read_table(io.BytesIO(lake.s3.get_object(Bucket=lake.bucket, Key=k)["Body"].read())) for k in keys
    ]
    return [k[len(PREFIX) :] for k in keys], pa.concat_tables(tables).sort_by("id")


@pytest.fixture
def events(source: Any) -> None:
    source.execute(
        "create table events (id bigint primary key, payload text not null, updated_at timestamptz not null)"
    )
    source.execute(
        "insert into events select g, repeat(md5(g::text), 4), %s::timestamptz + g * interval '1 second'"
        " from generate_series(1, %s) g",
        (datetime(2024, 3, 1, tzinfo=UTC), ROWS),
    )


def test_a_split_export_writes_exactly_the_rows_a_single_task_export_writes(
    source: Any, lake: Lake, events: None
) -> None:
    whole = export(source, lake)
    _, single = partition(lake)
    slices = plan_slices("id", 1, ROWS, table_bytes=3, slice_bytes=1, max_slices=8)
    assert len(slices) == 3
    summaries = [export(source, lake, key_slice) for key_slice in slices]
    names, split = partition(lake)
    assert split.equals(single) and split.num_rows == ROWS == whole["rows"]
    assert sum(s["rows"] for s in summaries) == ROWS
    # the single task's files are gone, replaced by the slices' own
    assert names and all(name.startswith(("s000of003-", "s001of003-", "s002of003-")) for name in names)
    assert {s["slice"]["index"] for s in summaries} == {0, 1, 2}


def test_a_retried_slice_replaces_its_own_files_and_leaves_its_siblings(
    source: Any, lake: Lake, events: None
) -> None:
    slices = plan_slices("id", 1, ROWS, table_bytes=2, slice_bytes=1, max_slices=8)
    for key_slice in slices:
        export(source, lake, key_slice)
    before, _ = partition(lake)
    source.execute("delete from events where id <= 10")
    export(source, lake, slices[0])  # the first slice again, after a change in its range
    after, rows = partition(lake)
    assert [n for n in after if n.startswith("s001of002-")] == [
        n for n in before if n.startswith("s001of002-")
    ]
    assert rows.num_rows == ROWS - 10 and rows.column("id")[0].as_py() == 11


def test_rows_beyond_the_keys_seen_when_planning_still_belong_to_a_slice() -> None:
    slices = plan_slices("id", 100, 199, table_bytes=40, slice_bytes=10, max_slices=3)
    assert [(s["low"], s["high"]) for s in slices] == [(None, 134), (134, 168), (168, None)]
    assert plan_slices("id", 1, 10, table_bytes=1, slice_bytes=10, max_slices=4)[0]["count"] == 1


def test_a_slice_key_that_is_not_an_integer_is_named(source: Any, lake: Lake, events: None) -> None:
    key_slice = {"column": "payload", "low": None, "high": None, "index": 0, "count": 1}
    with pytest.raises(ExportRequestError, match="slice key 'payload' is text, not an integer"):
        export(source, lake, key_slice)


def test_a_table_above_the_threshold_is_planned_as_slices_of_its_key(source: Any, events: None) -> None:
    from lakehouse.export.slices import table_slices
    from lakehouse.hooks.postgres_arrow import PostgresArrowHook

    hook = PostgresArrowHook(source.conn_id)
    kwargs = {"slice_bytes": 100_000, "max_slices": 8}
    assert table_slices(hook, "public", "events", "id", above_bytes=10**9, **kwargs) is None
    slices = table_slices(hook, "public", "events", "id", above_bytes=1, **kwargs)
    assert slices is not None and 2 <= len(slices) <= 8
    assert slices[0]["low"] is None and slices[-1]["high"] is None
    assert all(a["high"] == b["low"] for a, b in itertools.pairwise(slices))


def test_the_slices_batch_is_recorded_once_all_are_in(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    import pendulum

    from lakehouse.batches import list_batches
    from lakehouse.config import pipeline_config
    from lakehouse.wap import tasks

    bucket = pipeline_config().lake.bucket
    if bucket not in {b["Name"] for b in lake.s3.list_buckets()["Buckets"]}:
        lake.s3.create_bucket(Bucket=bucket)
    start = pendulum.datetime(2024, 3, 1, tz="UTC")

    def summary(index: int, rows: int, at: str) -> dict:
        return {"rows": rows, "slice": {"table": "events", "index": index, "count": 2, "exported_at": at}}

    pulled = [
        summary(0, 7, "2024-03-02T02:00:05+00:00"),
        summary(1, 5, "2024-03-02T02:00:01+00:00"),
        {"rows": 3},
    ]
    context = {
        "ti": SimpleNamespace(xcom_pull=lambda task_ids: pulled if task_ids == ["export"] else None),
        "data_interval_start": start,
        "data_interval_end": start.add(days=1),
    }
    assert tasks.record_sliced_batches(**context) == ["events"]
    (batch,) = list_batches(lake.s3, bucket, "events")
    assert (batch.rows, batch.mode, batch.ingest_date) == (12, "full", "2024-03-01")
    assert batch.exported_at == "2024-03-02T02:00:01+00:00"  # the earliest slice's
    pulled.pop(0)  # a slice missing: no batch, a clear error
    with pytest.raises(RuntimeError, match="events: 1 of 2 slices exported"):
        tasks.record_sliced_batches(**context)
    pulled[:] = [{"rows": 3}]  # no table was sliced: nothing to record, no call to S3
    assert tasks.record_sliced_batches(**context) == []
