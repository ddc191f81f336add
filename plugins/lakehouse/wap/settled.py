"""Customer-level gold without reading every order date: the settled history.

A customer's lifetime (customer_ltv) and cohort (monthly_retention) span every
order date of gold.customer_orders, so reading all of it each run makes a day
cost what the whole history costs. Changes reach back a bounded time (soft
deletes, late refunds: pipeline.yaml's `settles_after_days`), so the months
before that are settled: gold.customer_history folds them into one row per
customer (orders, revenue, first order date), moving its edge forward once a
month, and the datasets built from it read customer_orders only from the first
date the history does not hold (`settled_before`, the first of a month).

The months the history folds are ones a day's changes do not reach, so it is
staged from customer_orders as published before the run, beside export and
silver rather than after customer_orders' publish: off the run's path. What is
built from it reads it as this run will publish it once its fold passed its
audit (the staged fold; else the live history), and checks that it still holds
against customer_orders as this run will publish it.

What a table was built from is written on the table itself (Glue table
parameters, set by the publish): the version of its template, the location it was built into (a rollback
moves the table elsewhere, so its parameters no longer describe it) and, for
each month of the dated dataset it read, a fingerprint of that month's live
partition locations. A location is never reused, so equal fingerprints mean
the same data: when a change reached a settled month since (a rollback, a
correction older than `settles_after_days`), the fingerprints differ and the
history is rebuilt, or monthly_retention recomputed whole. Publish records are
not used for this: the clean-up deletes them after the rollback window, and
the history publishes once a month.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

SETTLED_BEFORE = "lakehouse_settled_before"
BUILT_FROM = "lakehouse_built_from"
BUILT_LOCATION = "lakehouse_built_location"
BUILT_WITH = "lakehouse_built_with"


def template_digest(name: str) -> str:
    """A digest of gold/<name>.sql: rows kept from a build with another version of the template
    (a changed rule, a new column) must not be merged with rows the new one computes."""
    from lakehouse.paths import sql_dir

    return hashlib.sha256((sql_dir() / "gold" / f"{name}.sql").read_bytes()).hexdigest()[:32]


def settled_before(day: date, days: int) -> str:
    """The first order date a history made on `day` leaves out: the first of the month that the
    date `days` before `day` falls in (whole months, so a cohort month is never split)."""
    return (day - timedelta(days=days)).replace(day=1).isoformat()


def month_fingerprints(partitions: dict[str, str]) -> dict[str, str]:
    """For each month (YYYY-MM) of a date-partitioned table, a digest of its partitions' locations."""
    by_month: dict[str, list[str]] = {}
    for day, location in sorted(partitions.items()):
        by_month.setdefault(day[:7], []).append(f"{day}={location}")
    return {
        month: hashlib.sha256("\n".join(lines).encode()).hexdigest()[:32] for month, lines in by_month.items()
    }


def unchanged_before(built_from: dict[str, str], now: dict[str, str], before: str) -> bool:
    """Whether every month before the date `before` is as it was (none added, dropped or changed)."""
    edge = before[:7]
    return {m: d for m, d in built_from.items() if m < edge} == {m: d for m, d in now.items() if m < edge}


@dataclass(frozen=True)
class Built:
    """What the live table says it was built from, when its parameters still describe it."""

    settled_before: str
    built_from: dict[str, str]
    built_with: str

    def holds(self, now: dict[str, str], template: str, before: str | None = None) -> bool:
        """Whether it was built by this version of its template (`template`: its digest) and the
        months before `before` (default: its own settled edge) are still what it read."""
        same = self.built_with == template
        return same and unchanged_before(self.built_from, now, before or self.settled_before)


def built(glue: Any, database: str, name: str) -> Built | None:
    """The live table's build parameters; None when it has none, or they describe another location."""
    try:
        table = glue.get_table(DatabaseName=database, Name=name)["Table"]
    except glue.exceptions.EntityNotFoundException:
        return None
    return from_parameters(table.get("Parameters") or {}, table["StorageDescriptor"]["Location"])


def from_parameters(parameters: dict[str, str], location: str) -> Built | None:
    """What a table at `location` with these parameters was built from: a published table's, or
    those a staged one will be published with (StagePlan.table_parameters); None when they
    describe another location or none."""
    if parameters.get(BUILT_LOCATION) != location:
        return None
    try:
        built_from = json.loads(parameters.get(BUILT_FROM, ""))
    except ValueError:
        return None
    if not isinstance(built_from, dict):
        return None
    return Built(
        parameters.get(SETTLED_BEFORE, ""),
        {str(k): str(v) for k, v in built_from.items()},
        parameters.get(BUILT_WITH, ""),
    )


def parameters(
    *, location: str, fingerprints: dict[str, str], template: str, settled: str = ""
) -> dict[str, str]:
    """The table parameters a publish sets: what the staged table at `location` was built from,
    and with which version of its template."""
    found = {
        BUILT_LOCATION: location,
        BUILT_FROM: json.dumps(fingerprints, sort_keys=True),
        BUILT_WITH: template,
    }
    return {**found, SETTLED_BEFORE: settled} if settled else found
