"""Maintenance deletes what retention lets go and nothing a reader or a rollback can still reach.

Against the local AWS endpoint over HTTP: datasets are published by the
pipeline's own publish (lakehouse.wap.publish) from staged tables in Glue,
failed runs leave what they leave, and Athena reads the live table afterwards.
"Now" is a parameter: ages are moved by choosing when the run happens, and a
record's age by its `recorded_at`, never by sleeping.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_helpers import Lake

from lakehouse.maintenance import LakeLayout, Retention, run
from lakehouse.wap.plan import StagePlan
from lakehouse.wap.publish import publish

DAYS = ["2026-01-01", "2026-01-02", "2026-01-03"]
RETENTION = Retention(
    superseded=timedelta(days=7), abandoned_staging=timedelta(days=1), athena_results=timedelta(days=1)
)


@dataclass
class World:
    """A lake published by the pipeline's code: what each location is, and what must survive."""

    lake: Lake
    layout: LakeLayout
    started: datetime  # the wall clock before anything was written: objects are at least this new
    manifests: dict[str, str]  # which publish -> its superseded record's key

    def location(self, layer: str, name: str, stage: str, day: str | None = None) -> str:
        return f"{layer}/{name}/_runs/{stage}/" + (f"day={day}/" if day else "")

    def objects(self, prefix: str = "") -> set[str]:
        return set(self.lake.keys(prefix))

    def run(self, *, days_later: float, dry_run: bool = False, s3: Any = None, **kwargs: Any) -> dict:
        now = self.started + timedelta(days=days_later)
        return run(
            s3 or self.lake.s3, self.lake.glue, self.layout, RETENTION, now=now, dry_run=dry_run, **kwargs
        )

    def backdate(self, manifest: str, days: float) -> None:
        """Make a superseded record `days` older than the world's start (as a publish that long ago)."""
        key = self.manifests[manifest]
        body = json.loads(self.lake.s3.get_object(Bucket=self.lake.bucket, Key=key)["Body"].read())
        body["recorded_at"] = (self.started - timedelta(days=days)).isoformat()
        self.lake.s3.put_object(Bucket=self.lake.bucket, Key=key, Body=json.dumps(body).encode())

    def sales(self) -> list[list[str | None]]:
        return self.lake.ok(
            f"SELECT day, id FROM {self.layout.live_databases['silver']}.sales ORDER BY id"
        ).rows


def _stage(world: World, layer: str, name: str, stage: str, rows: dict[str | None, list[int]]) -> StagePlan:
    """What stage_create leaves: Parquet under a fresh _runs/ location and a staging table over it."""
    lake, layout = world.lake, world.layout
    location = f"s3://{lake.bucket}/{world.location(layer, name, stage)}"
    partitioned = None not in rows
    for day, ids in rows.items():
        lake.put_parquet(f"{world.location(layer, name, stage, day)}part-0.parquet", {"id": ids})
    descriptor = {
        "Columns": [{"Name": "id", "Type": "bigint"}],
        "Location": location,
        "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
        "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
        "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
    }
    temp_table = f"{layer}_{name}_{stage}"
    lake.glue.create_table(
        DatabaseName=layout.staging_database,
        TableInput={
            "Name": temp_table,
            "TableType": "EXTERNAL_TABLE",
            "StorageDescriptor": descriptor,
            "PartitionKeys": [{"Name": "day", "Type": "string"}] if partitioned else [],
            "Parameters": {"classification": "parquet"},
        },
    )
    if partitioned:
        for day in rows:
            where = f"s3://{lake.bucket}/{world.location(layer, name, stage, day)}"
            lake.glue.create_partition(
                DatabaseName=layout.staging_database,
                TableName=temp_table,
                PartitionInput={"Values": [day], "StorageDescriptor": dict(descriptor, Location=where)},
            )
    return StagePlan(
        layer=layer,
        name=name,
        live_database=layout.live_databases[layer],
        live_location=f"s3://{lake.bucket}/{layer}/{name}/",
        staging_database=layout.staging_database,
        temp_table=temp_table,
        location=location,
        partition_column="day" if partitioned else None,
        key_columns=["id"],
        partitions=sorted(rows) if partitioned else [],
    )


def _publish(world: World, plan: StagePlan) -> None:
    """publish, then drop_stage: the staging table goes, its files stay (they are live now)."""
    summary = publish(world.lake.glue, world.lake.s3, plan, world.lake.bucket)
    if summary["superseded_manifest"]:
        world.manifests[plan.temp_table] = summary["superseded_manifest"].split("/", 3)[3]
    world.lake.glue.delete_table(DatabaseName=plan.staging_database, Name=plan.temp_table)


@pytest.fixture
def world(lake: Lake) -> World:
    """silver.sales (by day) and gold.totals (whole), each published three and two times, plus what
    failed runs leave: a staging table never published (r4) and files a killed CTAS wrote (r5).

    sales: r1 (day 1, 2), r2 (day 2, 3: replaces r1's day 2), r3 (day 3: replaces r2's day 3)
    totals: t1, then t2 (replaces t1)
    """
    names = {layer: f"{lake.database}_{layer}" for layer in ("gold", "staging")}
    for name in names.values():
        lake.glue.create_database(DatabaseInput={"Name": name})
    layout = LakeLayout(
        bucket=lake.bucket,
        live_databases={"silver": lake.database, "gold": names["gold"]},
        staging_database=names["staging"],
        datasets=(("silver", "sales"), ("gold", "totals")),
        results_bucket=lake.bucket,
        results_prefix="athena-results/",
    )
    world = World(lake, layout, datetime.now(UTC) - timedelta(seconds=5), {})
    _publish(world, _stage(world, "silver", "sales", "r1", {DAYS[0]: [1], DAYS[1]: [2]}))
    _publish(world, _stage(world, "silver", "sales", "r2", {DAYS[1]: [20], DAYS[2]: [30]}))
    _publish(world, _stage(world, "silver", "sales", "r3", {DAYS[2]: [300]}))
    _publish(world, _stage(world, "gold", "totals", "t1", {None: [1]}))
    _publish(world, _stage(world, "gold", "totals", "t2", {None: [2]}))
    _stage(world, "silver", "sales", "r4", {DAYS[0]: [4]})  # its audit failed: never published
    lake.put_parquet(world.location("silver", "sales", "r5", DAYS[0]) + "part-0.parquet", {"id": [5]})
    assert world.sales() == [[DAYS[0], "1"], [DAYS[1], "20"], [DAYS[2], "300"]]  # results written
    # r2's and t2's records are past the rollback window two days from now; r3's is not
    world.backdate("silver_sales_r2", days=6)
    world.backdate("gold_totals_t2", days=6)
    return world


def live(world: World) -> set[str]:
    """The objects the live tables read, and the version the young record keeps for rollback."""
    return {
        world.location("silver", "sales", "r1", DAYS[0]) + "part-0.parquet",
        world.location("silver", "sales", "r2", DAYS[1]) + "part-0.parquet",
        world.location("silver", "sales", "r3", DAYS[2]) + "part-0.parquet",
        world.location("gold", "totals", "t2") + "part-0.parquet",
    }


INSIDE_ROLLBACK_WINDOW = "silver/sales/_runs/r2/day=2026-01-03/part-0.parquet"
EXPIRED = {
    "silver/sales/_runs/r1/day=2026-01-02/part-0.parquet",  # superseded by r2, record past retention
    "gold/totals/_runs/t1/part-0.parquet",  # superseded by t2, record past retention
    "silver/sales/_runs/r4/day=2026-01-01/part-0.parquet",  # a failed run's staging table
    "silver/sales/_runs/r5/day=2026-01-01/part-0.parquet",  # a killed CTAS's files, no table
}


def _assert_converged(world: World, before: set[str]) -> None:
    lake = world.lake
    after = world.objects()
    assert live(world) | {INSIDE_ROLLBACK_WINDOW} <= after
    assert not EXPIRED & after
    assert not [key for key in after if key.startswith("athena-results/")]
    assert {key for key in before if key.startswith("_superseded/")} - after == {
        world.manifests["silver_sales_r2"],
        world.manifests["gold_totals_t2"],
    }, "the expired records go, the young one stays"
    staging = lake.glue.get_tables(DatabaseName=world.layout.staging_database)["TableList"]
    assert staging == [], "the failed run's staging table is gone"


def test_expired_versions_abandoned_staging_and_old_results_go_and_live_data_stays(world: World) -> None:
    before = world.objects()
    assert before >= EXPIRED and any(key.startswith("athena-results/") for key in before)

    summary = world.run(days_later=2)

    _assert_converged(world, before)
    assert world.run(days_later=2)["items"] == [], "the next run finds nothing more to do"
    assert world.sales() == [[DAYS[0], "1"], [DAYS[1], "20"], [DAYS[2], "300"]]
    deleted = summary["deleted"]
    assert deleted["superseded"]["items"] == 2 and deleted["superseded"]["objects"] == 2
    assert deleted["staging_table"]["objects"] == 1 and deleted["abandoned_staging"]["objects"] == 1
    assert deleted["athena_results"]["objects"] >= 1
    assert summary["staging_tables"] == ["silver_sales_r4"]
    assert summary["bytes_reclaimed"] == sum(kind["bytes"] for kind in deleted.values()) > 0
    assert summary["kept"]["inside the rollback window"]["objects"] == 1


def test_inside_their_retention_nothing_is_deleted(world: World) -> None:
    before = world.objects()

    summary = world.run(days_later=0.5)

    assert world.objects() == before
    assert summary["items"] == [] and summary["bytes_reclaimed"] == 0
    kept = summary["kept"]
    assert kept["inside the rollback window"]["objects"] == 3  # r1's day 2, r2's day 3, t1
    assert kept["staging younger than its retention"]["objects"] == 2  # r4 (a table), r5 (none)


def test_a_version_rolled_back_to_is_kept_though_its_record_expired(world: World) -> None:
    """The catalog decides: r1's day 2 is live again (a rollback), so its expired record protects nothing
    and yet the data stays."""
    glue, database = world.lake.glue, world.layout.live_databases["silver"]
    partition = glue.get_partition(DatabaseName=database, TableName="sales", PartitionValues=[DAYS[1]])
    descriptor = dict(
        partition["Partition"]["StorageDescriptor"],
        Location=f"s3://{world.lake.bucket}/{world.location('silver', 'sales', 'r1', DAYS[1])}",
    )
    glue.update_partition(
        DatabaseName=database,
        TableName="sales",
        PartitionValueList=[DAYS[1]],
        PartitionInput={"Values": [DAYS[1]], "StorageDescriptor": descriptor},
    )

    summary = world.run(days_later=30)

    rolled_back = world.location("silver", "sales", "r1", DAYS[1]) + "part-0.parquet"
    assert rolled_back in world.objects()
    assert world.sales() == [[DAYS[0], "1"], [DAYS[1], "2"], [DAYS[2], "300"]]
    assert summary["kept"]["live: " + f"{database}.sales ({DAYS[1]})"]["objects"] == 1
    # thirty days on, r3's record has expired too: r2's day 3 goes, r2's day 2 was replaced by the rollback
    assert INSIDE_ROLLBACK_WINDOW not in world.objects()


def test_a_dry_run_lists_what_it_would_delete_with_sizes_and_deletes_nothing(world: World) -> None:
    before = world.objects()
    tables = world.lake.glue.get_tables(DatabaseName=world.layout.staging_database)["TableList"]

    summary = world.run(days_later=2, dry_run=True)

    assert world.objects() == before
    assert world.lake.glue.get_tables(DatabaseName=world.layout.staging_database)["TableList"] == tables
    assert summary["dry_run"] is True and "bytes_reclaimed" not in summary
    listed = {item["location"]: item for item in summary["items"]}
    bucket = world.lake.bucket
    assert listed[f"s3://{bucket}/silver/sales/_runs/r5/"]["kind"] == "abandoned_staging"
    assert listed[f"s3://{bucket}/silver/sales/_runs/r4/"]["staging_table"] == "silver_sales_r4"
    sizes = {
        key: world.lake.s3.head_object(Bucket=bucket, Key=key)["ContentLength"]
        for key in EXPIRED
        if "/r5/" in key
    }
    assert listed[f"s3://{bucket}/silver/sales/_runs/r5/"]["bytes"] == sum(sizes.values()) > 0
    assert summary["bytes_to_reclaim"] == sum(kind["bytes"] for kind in summary["would_delete"].values())
    # and then the real run deletes exactly that
    assert world.run(days_later=2)["bytes_reclaimed"] == summary["bytes_to_reclaim"]


class Killed(Exception):
    """The run's process dying mid-delete."""


class DiesAfter:
    """An S3 client whose DeleteObjects works for `n` objects, then the process 'dies'."""

    def __init__(self, s3: Any, n: int) -> None:
        self._s3, self._left = s3, n

    def delete_objects(self, **kwargs: Any) -> Any:
        keys = kwargs["Delete"]["Objects"]
        if len(keys) > self._left:
            raise Killed(f"killed after deleting {self._left} more objects")
        self._left -= len(keys)
        return self._s3.delete_objects(**kwargs)

    def delete_object(self, **kwargs: Any) -> Any:
        if self._left <= 0:
            raise Killed("killed before deleting a record")
        self._left -= 1
        return self._s3.delete_object(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._s3, name)


@pytest.mark.parametrize("n", [0, 1, 2, 4, 6])
def test_a_run_killed_half_way_damages_nothing_live_and_the_next_run_finishes_the_job(
    world: World, n: int
) -> None:
    before = world.objects()

    with pytest.raises(Killed):
        world.run(days_later=2, s3=DiesAfter(world.lake.s3, n), batch=1)

    after = world.objects()
    assert live(world) | {INSIDE_ROLLBACK_WINDOW} <= after
    assert len(before - after) <= n
    assert world.sales() == [[DAYS[0], "1"], [DAYS[1], "20"], [DAYS[2], "300"]]
    # every expired object left is still found: recorded, or in a _runs/ folder nothing points at
    world.run(days_later=2)
    _assert_converged(world, before)
    assert world.run(days_later=2)["items"] == []


def test_a_record_it_cannot_read_keeps_its_dataset_unrecorded_staging(world: World) -> None:
    """What an unreadable record names is unknown, so nothing of its dataset counts as unrecorded."""
    lake = world.lake
    lake.s3.put_object(Bucket=lake.bucket, Key="_superseded/silver/sales/by_hand.json", Body=b"{not json")

    summary = world.run(days_later=2)

    assert "silver/sales/_runs/r5/day=2026-01-01/part-0.parquet" in world.objects()
    assert any("by_hand.json" in note and "unreadable" in note for note in summary["notes"])
    assert "gold/totals/_runs/t1/part-0.parquet" not in world.objects(), "other datasets are cleaned"


def test_a_dataset_missing_from_the_catalog_keeps_its_files(world: World) -> None:
    """A table the catalog lost has only unrecorded files left, and they are its only copy."""
    lake = world.lake
    lake.put_parquet("gold/lost/_runs/x1/part-0.parquet", {"id": [1]})
    layout = replace(world.layout, datasets=(*world.layout.datasets, ("gold", "lost")))

    summary = run(
        lake.s3, lake.glue, layout, RETENTION, now=world.started + timedelta(days=30), dry_run=False
    )

    assert "gold/lost/_runs/x1/part-0.parquet" in world.objects()
    assert "gold.lost is not in the catalog: its unrecorded _runs/ folders are left alone" in summary["notes"]


def test_a_missing_lake_database_stops_the_run_before_anything_is_deleted(world: World) -> None:
    layout = replace(world.layout, live_databases={**world.layout.live_databases, "gold": "no_such_db"})
    before = world.objects()

    with pytest.raises(LookupError, match="no_such_db"):
        run(
            world.lake.s3,
            world.lake.glue,
            layout,
            RETENTION,
            now=world.started + timedelta(days=30),
            dry_run=False,
        )

    assert world.objects() == before


def test_what_a_young_staging_tables_partitions_read_is_kept(world: World) -> None:
    """A rollback stages a table whose partitions point at the versions it restores: while that staging
    is young, those stay, though their own record has expired."""
    lake, layout = world.lake, world.layout
    restored = f"s3://{lake.bucket}/{world.location('silver', 'sales', 'r1', DAYS[1])}"
    table = lake.glue.get_table(DatabaseName=layout.live_databases["silver"], Name="sales")["Table"]
    descriptor = dict(table["StorageDescriptor"], Location=f"s3://{lake.bucket}/silver/sales/_runs/rb1/")
    lake.glue.create_table(
        DatabaseName=layout.staging_database,
        TableInput={
            "Name": "silver_sales_rb1",
            "StorageDescriptor": descriptor,
            "PartitionKeys": table["PartitionKeys"],
        },
    )
    lake.glue.create_partition(
        DatabaseName=layout.staging_database,
        TableName="silver_sales_rb1",
        PartitionInput={"Values": [DAYS[1]], "StorageDescriptor": dict(descriptor, Location=restored)},
    )

    world.backdate("silver_sales_r2", days=8)  # its record (r1's day 2) past the rollback window

    world.run(days_later=0.5)  # no staging past its retention

    assert world.location("silver", "sales", "r1", DAYS[1]) + "part-0.parquet" in world.objects()
    assert world.manifests["silver_sales_r2"] not in world.objects(), "the record itself goes"
