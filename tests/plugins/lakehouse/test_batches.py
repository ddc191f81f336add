"""Which bronze batches silver merges, and where the next export starts reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws_helpers import Lake

from lakehouse.batches import (
    Batch,
    Watermark,
    advanced,
    export_start,
    list_batches,
    new_batch,
    read_watermark,
    select_batches,
    write_batch,
    write_watermark,
)

DAY = datetime(2026, 11, 10, tzinfo=UTC)


def batch(day: int, *, mode: str = "incremental", exported_hours: float | None = None) -> Batch:
    """The batch of Nov <day>, exported at 02:00 the next day unless told otherwise."""
    start = datetime(2026, 11, day, tzinfo=UTC)
    end = start + timedelta(days=1)
    hours = 26 if exported_hours is None else exported_hours
    return new_batch(
        "orders",
        start.date().isoformat(),
        mode=mode,
        read_from=None if mode == "full" else start,
        read_to=end,
        rows=5,
        exported_at=start + timedelta(hours=hours),
    )


def test_a_first_export_reads_everything_and_later_ones_start_at_the_high_water_mark() -> None:
    assert export_start(Watermark("orders"), DAY) is None
    merged = advanced(Watermark("orders"), [batch(8)], "run_8")
    assert export_start(merged, DAY) == datetime(2026, 11, 9, tzinfo=UTC), "day 9 was skipped: read it"
    assert export_start(merged, DAY - timedelta(days=3)) == DAY - timedelta(days=3), "an older day re-run"


def test_silver_merges_every_batch_exported_after_the_newest_one_it_merged() -> None:
    watermark = advanced(Watermark("orders"), [batch(8)], "run_8")
    failed_day, next_day = batch(9), batch(10)
    selection = select_batches([batch(8), failed_day, next_day], watermark)
    assert selection.batches == [failed_day, next_day] and not selection.rebuild
    assert selection.ingest_dates == ["2026-11-09", "2026-11-10"]


def test_clearing_an_older_days_silver_alone_finds_nothing_to_merge() -> None:
    batches = [batch(8, mode="full"), batch(9, mode="full"), batch(10, mode="full")]
    watermark = advanced(Watermark("products"), batches, "run_10")
    assert select_batches(batches, watermark).batches == []


def test_an_older_day_exported_again_later_is_merged_since_it_holds_current_rows() -> None:
    watermark = advanced(Watermark("orders"), [batch(8), batch(9), batch(10)], "run_10")
    re_export = batch(8, exported_hours=24 * 5)
    assert select_batches([re_export, batch(9), batch(10)], watermark).batches == [re_export]


def test_a_snapshot_replaces_silver_with_the_batches_exported_after_it() -> None:
    snapshot, after = batch(9, mode="full"), batch(10)
    selection = select_batches([batch(8), snapshot, after], Watermark("orders"))
    assert selection.batches == [snapshot, after] and selection.rebuild


def test_the_watermark_never_moves_back() -> None:
    newer = advanced(Watermark("orders"), [batch(10)], "run_10")
    older = advanced(newer, [batch(8, exported_hours=24 * 5)], "run_8_again")
    assert older.high_water == newer.high_water == "2026-11-11T00:00:00+00:00"
    assert older.merged_through == batch(8, exported_hours=24 * 5).exported_at
    assert older.published_by == "run_8_again"


def test_manifests_and_watermarks_round_trip_through_the_lake(lake: Lake) -> None:
    assert list_batches(lake.s3, lake.bucket, "orders") == []
    assert read_watermark(lake.s3, lake.bucket, "orders") == Watermark("orders")
    later, earlier = batch(10), batch(9)
    write_batch(lake.s3, lake.bucket, later)
    write_batch(lake.s3, lake.bucket, earlier)
    assert list_batches(lake.s3, lake.bucket, "orders") == [earlier, later], "oldest export first"
    watermark = advanced(Watermark("orders"), [earlier, later], "run_10")
    write_watermark(lake.s3, lake.bucket, watermark)
    assert read_watermark(lake.s3, lake.bucket, "orders") == watermark


def test_a_plan_reads_only_the_manifests_written_since_its_watermark(lake: Lake) -> None:
    for day in (8, 9, 10):
        write_batch(lake.s3, lake.bucket, batch(day))
    written = datetime.now(UTC)
    reads: list[str] = []
    lake.s3.meta.events.register(
        "provide-client-params.s3.GetObject", lambda params, **_: reads.append(params["Key"])
    )
    assert len(list_batches(lake.s3, lake.bucket, "orders")) == 3 and len(reads) == 3
    reads.clear()
    assert (
        list_batches(lake.s3, lake.bucket, "orders", since=(written + timedelta(hours=2)).isoformat()) == []
    )
    assert reads == [], "manifests older than the watermark are not read"
    recent = list_batches(lake.s3, lake.bucket, "orders", since=written.isoformat())
    assert len(recent) == 3, "within the clock margin a manifest is still read"
