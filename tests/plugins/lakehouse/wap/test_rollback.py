"""Rolling back repoints Glue at the versions the publish records name, and can itself be undone.

Runs against the local AWS endpoint over HTTP: real publishes write the
records, Athena reads what the catalog serves before and after.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_helpers import Lake

from lakehouse.config import pipeline_config
from lakehouse.wap import rollback
from lakehouse.wap.plan import StagePlan
from lakehouse.wap.publish import publish
from lakehouse.wap.records import ROLLBACK, TABLE, read_history
from lakehouse.wap.rollback import NothingToRestore, Restore

D1, D2, D3 = "2026-01-01", "2026-01-02", "2026-01-03"


def _stage(
    lake: Lake, run: str, rows: dict[str, list[int]], *, partitions: list[str] | None = None
) -> StagePlan:
    """Stage `rows` (day -> ids, amount = 10 * id) as a run's staged table, as plan and stage_create do."""
    staging = f"{lake.database}_staging"
    if staging not in {d["Name"] for d in lake.glue.get_databases()["DatabaseList"]}:
        lake.glue.create_database(DatabaseInput={"Name": staging})
    location = f"s3://{lake.bucket}/gold/sales/_runs/{run}/"
    for day, ids in rows.items():
        lake.put_parquet(
            f"gold/sales/_runs/{run}/day={day}/part-0.parquet", {"id": ids, "amount": [10 * i for i in ids]}
        )
    lake.ok(
        f"CREATE EXTERNAL TABLE {staging}.sales_{run} (id bigint, amount bigint) PARTITIONED BY (day string)"
        f" STORED AS PARQUET LOCATION '{location}'"
    )
    for day in rows:
        lake.ok(
            f"ALTER TABLE {staging}.sales_{run} ADD PARTITION (day = '{day}') LOCATION '{location}day={day}/'"
        )
    return StagePlan(
        layer="gold",
        name="sales",
        live_database=lake.database,
        live_location=f"s3://{lake.bucket}/gold/sales/",
        staging_database=staging,
        temp_table=f"sales_{run}",
        location=location,
        partition_column="day",
        key_columns=["id"],
        partitions=partitions or sorted(rows),
    )


def _layout(lake: Lake, partition_column: str | None = "day", name: str = "sales") -> dict[str, Any]:
    return {
        "layer": "gold",
        "name": name,
        "live_database": lake.database,
        "live_location": f"s3://{lake.bucket}/gold/{name}/",
        "staging_database": f"{lake.database}_staging",
        "partition_column": partition_column,
        "key_columns": ["id"],
    }


def _served(lake: Lake, table: str = "sales") -> list[list[str | None]]:
    return lake.ok(f"SELECT day, id, amount FROM {table} ORDER BY day, id").rows


def _two_publishes(lake: Lake) -> None:
    """r1 publishes D1 and D2; r2 rewrites D2, adds D3 and empties D1 (dropped)."""
    publish(lake.glue, lake.s3, _stage(lake, "r1", {D1: [1], D2: [2]}), lake.bucket, run_id="r1")
    r2 = _stage(lake, "r2", {D2: [20], D3: [30]}, partitions=[D1, D2, D3])
    publish(lake.glue, lake.s3, r2, lake.bucket, run_id="r2")


def _roll(lake: Lake, to: str, run_id: str, glue: Any = None) -> dict[str, Any]:
    restore = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to=to, run_id=run_id)
    assert restore is not None
    return rollback.apply(glue or lake.glue, lake.s3, lake.bucket, restore, run_id=run_id, dag_id="rb")


R1_ROWS = [[D1, "1", "10"], [D2, "2", "20"]]
R2_ROWS = [[D2, "20", "200"], [D3, "30", "300"]]


def test_previous_serves_the_earlier_version_partition_by_partition_and_records_itself(lake: Lake) -> None:
    _two_publishes(lake)
    assert _served(lake) == R2_ROWS

    restore = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb1")
    assert restore is not None and restore.version == "r1"
    r1 = f"s3://{lake.bucket}/gold/sales/_runs/r1/"
    assert restore.target == {D1: f"{r1}day={D1}/", D2: f"{r1}day={D2}/", D3: None}
    done = rollback.apply(lake.glue, lake.s3, lake.bucket, restore, run_id="rb1", dag_id="lakehouse_rollback")

    assert _served(lake) == R1_ROWS
    assert (done["repointed_partitions"], done["dropped_partitions"]) == ([D1, D2], [D3])
    record = json.loads(
        lake.s3.get_object(Bucket=lake.bucket, Key=done["record"].split("/", 3)[3])["Body"].read()
    )
    assert (record["kind"], record["run_id"], record["version"]) == (ROLLBACK, "rb1", "r1")
    r2 = f"s3://{lake.bucket}/gold/sales/_runs/r2/"
    assert record["locations"] == [
        {"partition": D2, "location": f"{r2}day={D2}/"},
        {"partition": D3, "location": f"{r2}day={D3}/"},
    ], "what the rollback replaced is recorded as a publish records it, for the clean-up and for undoing"


def test_a_rollback_is_undone_by_rolling_forward_to_the_run_that_was_live(lake: Lake) -> None:
    _two_publishes(lake)
    _roll(lake, "previous", "rb1")

    forward = _roll(lake, "r2", "rb2")

    assert _served(lake) == R2_ROWS
    assert forward["version"] == "r2" and forward["dropped_partitions"] == [D1]
    # live is r2's version again: the one before it is r1's, and r2's is where it already is
    back = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb3")
    assert back is not None and back.version == "r1"
    assert rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="r2", run_id="rb3") is None
    assert [r.kind for r in read_history(lake.s3, lake.bucket, "gold", "sales")] == [
        "publish",
        "publish",
        ROLLBACK,
        ROLLBACK,
    ]


def test_previous_after_a_rollback_goes_one_version_further_back(lake: Lake) -> None:
    _two_publishes(lake)
    publish(lake.glue, lake.s3, _stage(lake, "r3", {D3: [33]}), lake.bucket, run_id="r3")
    _roll(lake, "previous", "rb1")  # to r2
    assert _served(lake) == R2_ROWS

    _roll(lake, "previous", "rb2")  # to r1

    assert _served(lake) == R1_ROWS
    with pytest.raises(NothingToRestore, match="first one recorded"):
        rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb3")


class FailsAfter:
    """A Glue client whose repointing calls fail after the first `calls` of them: a try that dies."""

    def __init__(self, glue: Any, calls: int) -> None:
        self.glue, self.calls = glue, calls

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.glue, name)
        repointing = ("batch_update_partition", "batch_create_partition", "batch_delete_partition")
        if name not in (*repointing, "update_table"):
            return method

        def counted(**kwargs: Any) -> Any:
            if self.calls == 0:
                raise ConnectionError("the worker died")
            self.calls -= 1
            return method(**kwargs)

        return counted


def test_a_rollback_that_dies_half_way_converges_when_retried(lake: Lake) -> None:
    _two_publishes(lake)
    restore = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb1")
    assert restore is not None
    with pytest.raises(ConnectionError):
        rollback.apply(FailsAfter(lake.glue, 1), lake.s3, lake.bucket, restore, run_id="rb1", dag_id="rb")

    # the retry decides from the records alone, as the first try did (its own record left out)
    again = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb1")
    assert again is not None and again.target == restore.target
    rollback.apply(lake.glue, lake.s3, lake.bucket, again, run_id="rb1", dag_id="rb")

    assert _served(lake) == R1_ROWS
    (record,) = [r for r in read_history(lake.s3, lake.bucket, "gold", "sales") if r.kind == ROLLBACK]
    r2 = f"s3://{lake.bucket}/gold/sales/_runs/r2/"
    assert record.superseded == {D2: f"{r2}day={D2}/", D3: f"{r2}day={D3}/"}, (
        "the first try's entries are kept"
    )
    _roll(lake, "r2", "rb2")
    assert _served(lake) == R2_ROWS


def test_the_stage_holds_what_is_restored_and_the_rest_stays_live(lake: Lake) -> None:
    _two_publishes(lake)
    restore = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="r1", run_id="rb1")
    assert restore is not None

    plan = StagePlan.from_xcom(rollback.stage(lake.glue, restore))
    rollback.stage(lake.glue, restore)  # a retried stage replaces its table

    staged = lake.ok(f"SELECT day, id, amount FROM {plan.staging_database}.{plan.temp_table} ORDER BY day")
    assert staged.rows == R1_ROWS
    assert plan.partitions == [D1, D2, D3], "the audit reads the live table for every other partition"
    assert _served(lake) == R2_ROWS, "nothing is visible before the publish"
    rollback.drop_stage(lake.glue, plan.staging_database, plan.temp_table)
    rollback.drop_stage(lake.glue, plan.staging_database, plan.temp_table)


def _publish_whole(lake: Lake, name: str, run: str, columns: dict[str, list[Any]]) -> None:
    """Publish `columns` as run `run`'s version of `name`, a dataset without partitions."""
    staging = f"{lake.database}_staging"
    if staging not in {d["Name"] for d in lake.glue.get_databases()["DatabaseList"]}:
        lake.glue.create_database(DatabaseInput={"Name": staging})
    location = f"s3://{lake.bucket}/gold/{name}/_runs/{run}/"
    lake.put_parquet(f"gold/{name}/_runs/{run}/part-0.parquet", columns)
    types = ", ".join(f"{column} {'string' if column == 'day' else 'bigint'}" for column in columns)
    lake.ok(f"CREATE EXTERNAL TABLE {staging}.{name}_{run} ({types}) STORED AS PARQUET LOCATION '{location}'")
    plan = StagePlan(
        layer="gold",
        name=name,
        live_database=lake.database,
        live_location=f"s3://{lake.bucket}/gold/{name}/",
        staging_database=staging,
        temp_table=f"{name}_{run}",
        location=location,
        partition_column=None,
        key_columns=["id"],
    )
    publish(lake.glue, lake.s3, plan, lake.bucket, run_id=run)


def test_a_dataset_without_partitions_gets_its_earlier_location_back(lake: Lake) -> None:
    for run, ids in (("r1", [1, 2]), ("r2", [3])):
        _publish_whole(lake, "ltv", run, {"id": ids})
    layout = _layout(lake, partition_column=None, name="ltv")

    restore = rollback.resolve(lake.glue, lake.s3, lake.bucket, layout, to="previous", run_id="rb1")
    assert restore is not None
    assert restore.target == {TABLE: f"s3://{lake.bucket}/gold/ltv/_runs/r1/"}
    assert restore.before == {TABLE: f"s3://{lake.bucket}/gold/ltv/_runs/r2/"}  # what it replaces
    rollback.apply(lake.glue, lake.s3, lake.bucket, restore, run_id="rb1", dag_id="rb")

    assert lake.ok("SELECT id FROM ltv ORDER BY id").rows == [["1"], ["2"]]
    # asked again for the version it now serves, there is nothing to do
    assert rollback.resolve(lake.glue, lake.s3, lake.bucket, layout, to="r1", run_id="rb2") is None


def test_a_rollback_across_a_change_of_layout_is_refused_naming_it(lake: Lake) -> None:
    # r0 published sales without partitions; r1 replaced it partitioned by day (a full refresh
    # after pipeline.yaml changed), r2 published again
    _publish_whole(lake, "sales", "r0", {"id": [9], "amount": [90], "day": [D1]})
    _two_publishes(lake)
    assert _served(lake) == R2_ROWS
    with pytest.raises(NothingToRestore, match=r"gold.sales: restoring run r0 would cross the change of its"):
        rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="r0", run_id="rb1")
    assert rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb1")


def test_requests_the_records_cannot_meet_are_refused_naming_the_dataset(lake: Lake) -> None:
    with pytest.raises(NothingToRestore, match=r"gold\.sales: no publish of it is recorded"):
        rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="previous", run_id="rb1")
    _two_publishes(lake)
    with pytest.raises(NothingToRestore, match="run 'r9' published no version of it; recorded runs: r2, r1"):
        rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="r9", run_id="rb1")


def test_a_version_whose_files_are_gone_is_named_before_anything_changes(lake: Lake) -> None:
    _two_publishes(lake)
    for key in lake.keys(f"gold/sales/_runs/r1/day={D1}/"):
        lake.s3.delete_object(Bucket=lake.bucket, Key=key)
    restore = rollback.resolve(lake.glue, lake.s3, lake.bucket, _layout(lake), to="r1", run_id="rb1")
    assert isinstance(restore, Restore)

    assert rollback.missing_locations(lake.s3, restore) == [
        f"s3://{lake.bucket}/gold/sales/_runs/r1/day={D1}/"
    ]


def test_only_pipeline_datasets_and_run_ids_pass_the_request_checks() -> None:
    config = pipeline_config()
    assert rollback.selected_datasets(config, "gold.*") == [("gold", d.name) for d in config.gold]
    assert rollback.selected_datasets(config, "silver.products") == [("silver", "products")]
    for bad in ("gold.nope", "gold", "bronze.orders", "gold.daily_revenue'; drop table x; --", "*.*"):
        with pytest.raises(NothingToRestore):
            rollback.selected_datasets(config, bad)
    assert rollback.checked_to("manual__2026-11-02T02:00:00+00:00") == "manual__2026-11-02T02:00:00+00:00"
    for bad in ("", "run id", "r'; --", "../x", "a" * 251):
        with pytest.raises(NothingToRestore):
            rollback.checked_to(bad)
