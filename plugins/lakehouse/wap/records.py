"""The publish records: for each change to a live dataset, what it made live and what it replaced.

Every publish, and every rollback, writes one record under
`s3://<lake>/_superseded/<layer>/<dataset>/` before it repoints anything. The
clean-up reads `locations` (what stopped being live, and since when); a
rollback reads the records in order as the dataset's history: undoing the
records after a version, newest first, gives back that version's locations.
So a record lists every partition its change touched, the ones it created
(`published` with nothing superseded) and dropped (superseded with nothing
published) included, and the run whose published version it made live.

Records written before a change's `published` list existed say what they
replaced but not what they created: they are kept for the clean-up and left
out of the history, so a rollback never reaches behind them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lakehouse.names import SUPERSEDED_PREFIX

TABLE = ""  # the key of a dataset's own location among its partitions' (a dataset without partitions)
PUBLISH = "publish"
ROLLBACK = "rollback"


def records_prefix(layer: str, name: str) -> str:
    return f"{SUPERSEDED_PREFIX}/{layer}/{name}/"


def record_key(layer: str, name: str, stem: str) -> str:
    """_superseded/<layer>/<name>/<stem>.json; the stem is unique to one change (its staging, its run)."""
    return f"{records_prefix(layer, name)}{stem}.json"


def entries(locations: dict[str, str]) -> list[dict[str, str]]:
    """{partition: location} as the record lists it: {"partition", "location"}, or {"location"} for TABLE."""
    return [
        {"location": location} if partition == TABLE else {"partition": partition, "location": location}
        for partition, location in sorted(locations.items())
    ]


def _mapping(listed: list[dict[str, str]]) -> dict[str, str]:
    return {entry.get("partition", TABLE): entry["location"] for entry in listed}


@dataclass(frozen=True)
class Record:
    """One change to a live dataset, as its record in the lake says."""

    key: str
    dataset: str
    kind: str
    run_id: str
    version: str  # the run whose published version this change made live
    recorded_at: str
    superseded: dict[str, str] = field(default_factory=dict)  # partition (TABLE) -> location replaced
    published: dict[str, str] = field(default_factory=dict)  # partition (TABLE) -> location made live
    restores: str = ""  # a rollback: the key of the record whose state it gave back
    day: str = ""  # a publish by lakehouse_daily: the business day of its run

    @property
    def touched(self) -> set[str]:
        return set(self.superseded) | set(self.published)

    @classmethod
    def from_json(cls, key: str, body: dict[str, Any]) -> Record:
        return cls(
            key=key,
            dataset=body["dataset"],
            kind=body.get("kind", PUBLISH),
            run_id=body.get("run_id", ""),
            version=body.get("version") or body.get("run_id", ""),
            recorded_at=body["recorded_at"],
            superseded=_mapping(body.get("locations", [])),
            published=_mapping(body["published"]),
            restores=body.get("restores", ""),
            day=body.get("day", ""),
        )


def _read(s3: Any, bucket: str, key: str) -> dict[str, Any] | None:
    try:
        return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None


def write_record(
    s3: Any,
    bucket: str,
    key: str,
    *,
    dataset: str,
    superseded_by: str,
    superseded: dict[str, str],
    published: dict[str, str],
    **fields: str,
) -> None:
    """Write a change's record before the change, merged with what an interrupted try of it wrote.

    Recording first means a change that dies half-way and is retried never
    loses the locations it already replaced, nor lists a live one as old: the
    earlier try's superseded locations are kept (a retry finds them live no
    longer), and so is its time, which places the change in the history.
    """
    known = _read(s3, bucket, key) or {}
    replaced = _mapping(known.get("locations", []))
    replaced.update({p: loc for p, loc in superseded.items() if p not in replaced})
    made_live = _mapping(known.get("published", [])) | published
    body = {
        "dataset": dataset,
        "recorded_at": known.get("recorded_at") or datetime.now(UTC).isoformat(),
        "superseded_by": superseded_by,
        "locations": entries(replaced),
        "published": entries(made_live),
        **fields,
    }
    s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(body, indent=2).encode())


def read_history(s3: Any, bucket: str, layer: str, name: str) -> list[Record]:
    """The dataset's changes in the order they were made (records without `published` left out)."""
    prefix = records_prefix(layer, name)
    history = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if not item["Key"].endswith(".json") or "/" in item["Key"][len(prefix) :]:
                continue
            record = read_record(s3, bucket, item["Key"])
            if record is not None:
                history.append(record)
    return sorted(history, key=lambda record: (record.recorded_at, record.key))


def read_record(s3: Any, bucket: str, key: str) -> Record | None:
    """The record at `key`; None when there is none, or it was written before `published` existed."""
    body = _read(s3, bucket, key)
    return None if body is None or "published" not in body else Record.from_json(key, body)
