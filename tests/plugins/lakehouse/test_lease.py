"""The lake's lease: one holder at a time, enforced by S3's conditional writes on the local endpoint."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from aws_helpers import Lake

from lakehouse.lease import lease_key, release, try_acquire

HOUR = timedelta(hours=1)
NOW = datetime(2026, 11, 20, 3, tzinfo=UTC)


def test_of_many_runs_racing_for_a_free_lease_exactly_one_wins(lake: Lake) -> None:
    results: dict[str, bool] = {}
    start = threading.Barrier(8)

    def race(run_id: str) -> None:
        start.wait()
        attempt = try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id=run_id, ttl=HOUR)
        results[run_id] = attempt.acquired

    threads = [threading.Thread(target=race, args=(f"run_{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results.values()) == 1, results


def test_a_held_lease_names_its_holder_until_released_and_its_holder_may_take_it_again(lake: Lake) -> None:
    first = try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="backfill_1", ttl=HOUR, now=NOW)
    assert first.acquired
    second = try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="scheduled_2", ttl=HOUR, now=NOW)
    assert not second.acquired and second.holder.run_id == "backfill_1"
    assert "d run backfill_1 (since 2026-11-20T03:00:00+00:00" in second.holder.describe()
    assert try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="backfill_1", ttl=HOUR).acquired

    assert release(lake.s3, lake.bucket, "lake", dag_id="d", run_id="scheduled_2").run_id == "backfill_1"
    assert lake.keys(lease_key("lake")) == [lease_key("lake")], "only the holder releases"
    release(lake.s3, lake.bucket, "lake", dag_id="d", run_id="backfill_1")
    assert lake.keys(lease_key("lake")) == []
    assert try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="scheduled_2", ttl=HOUR).acquired


def test_a_lease_its_dead_holder_never_released_expires(lake: Lake) -> None:
    try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="killed", ttl=HOUR, now=NOW)
    later = NOW + HOUR
    attempt = try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="next", ttl=HOUR, now=later)
    assert attempt.acquired and attempt.took_over is not None and attempt.took_over.run_id == "killed"
    again = try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="third", ttl=HOUR, now=later)
    assert not again.acquired and again.holder.run_id == "next"


def test_a_lease_whose_holder_this_airflow_no_longer_runs_is_taken_over_at_once(lake: Lake) -> None:
    here, there = "http://localhost:8080", "https://other-mwaa.example"
    try_acquire(lake.s3, lake.bucket, "lake", dag_id="d", run_id="deleted", ttl=HOUR, instance=here, now=NOW)
    asked: list[str] = []

    def gone(holder) -> bool:
        asked.append(holder.run_id)
        return True

    taken = try_acquire(
        lake.s3, lake.bucket, "lake", dag_id="d", run_id="next", ttl=HOUR, instance=here, gone=gone, now=NOW
    )
    assert taken.acquired and taken.took_over is not None and asked == ["deleted"]

    # a run of another Airflow is not one this Airflow can see: it waits for the lease to expire
    other = try_acquire(
        lake.s3, lake.bucket, "lake", dag_id="d", run_id="x", ttl=HOUR, instance=there, gone=gone, now=NOW
    )
    assert not other.acquired and asked == ["deleted"]
