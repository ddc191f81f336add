"""The names that travel between modules: DAG id, task ids, XCom keys, templates, lake prefixes.

Each is defined once, so the code that writes a name and the code that reads
it back (a task id parsed in the failure callback, an XCom key pulled by the
audit, a prefix listed by a clean-up) cannot drift apart.
"""

from __future__ import annotations

from typing import Any

DAG_ID = "lakehouse_daily"
LAYERS = ("silver", "gold")

# The run's business day: the UTC date its data interval starts on. The schedule fires
# at 02:00 so that late commits land, but the day processed is the calendar day.
BUSINESS_DAY_TEMPLATE = "{{ data_interval_start.strftime('%Y-%m-%d') }}"
WINDOW_END_TEMPLATE = "{{ data_interval_end.start_of('day').isoformat() }}"

# What a dataset's stage task leaves in XCom besides its return value (its statements' query ids).
PLAN_KEY = "plan"

# Under a dataset's live prefix: each run's staged files; beside the layers: what publishes replaced.
RUNS_PREFIX = "_runs"
SUPERSEDED_PREFIX = "_superseded"
# Beside the layers: each export's batch manifest, and what silver has merged of each table.
BATCHES_PREFIX = "_batches"
WATERMARKS_PREFIX = "_watermarks"
# A hard-delete table's key set sits in bronze beside its changes, as a table of its own.
KEY_SET_SUFFIX = "__keys"

# Beside the layers: the lease that lets one run at a time write the lake (lakehouse.lease).
LEASES_PREFIX = "_leases"


def key_set_table(table: str) -> str:
    """bronze.<table>__keys: the primary keys a hard-delete table had at each export."""
    return f"{table}{KEY_SET_SUFFIX}"


def business_day(context: dict[str, Any]) -> str:
    """BUSINESS_DAY_TEMPLATE's value, from a task's context."""
    return context["data_interval_start"].strftime("%Y-%m-%d")


def window(context: dict[str, Any]) -> tuple[Any, Any]:
    """The run's window, midnight to midnight (UTC); its end is WINDOW_END_TEMPLATE's value."""
    return context["data_interval_start"].start_of("day"), context["data_interval_end"].start_of("day")


def group_id(layer: str, name: str) -> str:
    """The task group of one dataset's write-audit-publish: silver_orders, gold_daily_revenue."""
    return f"{layer}_{name}"


def wap_task_id(layer: str, name: str, step: str) -> str:
    """A task of that group: silver_orders.stage."""
    return f"{group_id(layer, name)}.{step}"


def dataset_parts(dataset: str) -> tuple[str, str]:
    """silver.orders -> ("silver", "orders"), or a ValueError naming what is not a layer's dataset."""
    layer, dot, name = dataset.partition(".")
    if not dot or layer not in LAYERS or not name:
        raise ValueError(f"not a dataset of a layer ({', '.join(LAYERS)}): {dataset!r}")
    return layer, name


def dataset_of_task(task_id: str) -> str | None:
    """silver_orders.audit -> silver.orders; None for a task outside the write-audit-publish groups."""
    group, dot, _ = task_id.partition(".")
    for layer in LAYERS:
        if dot and group.startswith(f"{layer}_"):
            return f"{layer}.{group.removeprefix(f'{layer}_')}"
    return None
