"""One writer at a time: a lease on the lake, held by one DAG run from its first export to its last publish.

Why not Airflow's own limits: `max_active_runs` counts a DAG's scheduled and
manual runs, but a backfill has its own limit and runs beside them, and two
Airflow deployments (or a laptop and MWAA) may point at one lake. Two runs
that plan from the same published state and publish in turn lose one's
changes. So the run asks the lake itself: a small object written with S3's
conditional put (`If-None-Match: *` creates it only if absent; `If-Match`
replaces only the version read), which AWS and the local endpoint both
enforce, so exactly one of two racing runs wins.

The lease names its holder (the DAG run, and the Airflow it runs in) and
expires: a run that died without releasing it (its worker killed, its run
marked failed by hand) frees the lake once its time is up, which is the DAG's
run timeout, so a live run never loses it. Sooner when the caller can tell
that the holder is no longer an active run of its own Airflow (deleted, or
finished without its teardown). The holder itself re-acquires freely, so a
cleared and re-run task of the same run goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lakehouse.names import LEASES_PREFIX


@dataclass(frozen=True)
class Holder:
    run_id: str
    dag_id: str
    acquired_at: str
    expires_at: str
    instance: str = ""  # which Airflow the run belongs to (its api base URL)

    def expired(self, now: datetime) -> bool:
        return now >= datetime.fromisoformat(self.expires_at)

    def describe(self) -> str:
        return f"{self.dag_id} run {self.run_id} (since {self.acquired_at}, until {self.expires_at} at most)"


@dataclass(frozen=True)
class Attempt:
    """The outcome of one try: acquired, or who holds the lease."""

    acquired: bool
    holder: Holder
    took_over: Holder | None = None  # an expired (or abandoned) lease this try replaced


def lease_key(name: str) -> str:
    return f"{LEASES_PREFIX}/{name}.json"


def _is_precondition_failure(error: Exception) -> bool:
    response = getattr(error, "response", {}) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in ("PreconditionFailed", "ConditionalRequestConflict") or status in (409, 412)


def _read(s3: Any, bucket: str, key: str) -> tuple[Holder, str] | None:
    try:
        found = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    return Holder(**json.loads(found["Body"].read())), found["ETag"]


def try_acquire(
    s3: Any,
    bucket: str,
    name: str,
    *,
    dag_id: str,
    run_id: str,
    ttl: timedelta,
    instance: str = "",
    gone: Callable[[Holder], bool] = lambda holder: False,
    now: datetime | None = None,
) -> Attempt:
    """Take the lease if it is free, expired, this run's or its holder `gone`; else name the holder.

    `gone` is asked only about a holder of the same `instance`: a run of
    another Airflow is not one this Airflow can see.
    """
    now = now or datetime.now(UTC)
    key = lease_key(name)
    mine = Holder(run_id, dag_id, now.isoformat(), (now + ttl).isoformat(), instance)
    body = json.dumps(asdict(mine)).encode()
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, IfNoneMatch="*")
        return Attempt(True, mine)
    except Exception as error:
        if not _is_precondition_failure(error):
            raise
    found = _read(s3, bucket, key)
    if found is None:  # released between the two calls: try once more from the start
        return try_acquire(
            s3, bucket, name, dag_id=dag_id, run_id=run_id, ttl=ttl, instance=instance, gone=gone, now=now
        )
    holder, etag = found
    if holder.run_id == run_id and holder.dag_id == dag_id:
        return Attempt(True, holder)
    if not holder.expired(now) and not (holder.instance == instance and gone(holder)):
        return Attempt(False, holder)
    try:
        s3.put_object(Bucket=bucket, Key=key, Body=body, IfMatch=etag)
    except Exception as error:
        if not _is_precondition_failure(error):
            raise
        winner = _read(s3, bucket, key)  # another run took the expired lease first
        return Attempt(False, holder if winner is None else winner[0])
    return Attempt(True, mine, took_over=holder)


def release(s3: Any, bucket: str, name: str, *, dag_id: str, run_id: str) -> Holder | None:
    """Give the lease up if this run holds it; returns the holder found (None: it was free)."""
    key = lease_key(name)
    found = _read(s3, bucket, key)
    if found is None:
        return None
    holder, etag = found
    if (holder.run_id, holder.dag_id) == (run_id, dag_id):
        try:
            s3.delete_object(Bucket=bucket, Key=key, IfMatch=etag)
        except Exception as error:
            if not _is_precondition_failure(error):
                raise
    return holder
