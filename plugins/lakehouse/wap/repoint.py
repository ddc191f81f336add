"""Repoint a table's partitions in the Glue catalog, a batch of partitions per call.

A publish (or a rollback) changes every partition a run rewrote; a call per partition is a
round trip per partition, on the run's path. Glue's batch calls apply each entry on its own,
atomically for readers as the single calls do, and report the entries they could not apply
instead of raising: those are raised here, naming the partitions and Glue's reason, so the
task fails and its retry, which decides again from the catalog what is left to change,
converges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lakehouse.wap.plan import chunks

# Glue's limits: entries per BatchUpdatePartition and BatchCreatePartition, partitions per
# BatchDeletePartition
UPDATES_PER_CALL = 100
CREATES_PER_CALL = 100
DELETES_PER_CALL = 25


class RepointError(RuntimeError):
    """Glue refused some of a batch's partitions."""


def repoint(
    glue: Any,
    database: str,
    table: str,
    *,
    updates: Sequence[dict[str, Any]] = (),
    creates: Sequence[dict[str, Any]] = (),
    deletes: Sequence[str] = (),
) -> None:
    """Point existing partitions elsewhere (`updates`: PartitionInputs), register new ones
    (`creates`), then drop those a run emptied (`deletes`: partition values), in that order."""
    where = {"DatabaseName": database, "TableName": table}
    for batch in chunks(list(updates), UPDATES_PER_CALL):
        entries = [{"PartitionValueList": p["Values"], "PartitionInput": p} for p in batch]
        _raise_errors(glue.batch_update_partition(**where, Entries=entries), "update", database, table)
    for batch in chunks(list(creates), CREATES_PER_CALL):
        _raise_errors(
            glue.batch_create_partition(**where, PartitionInputList=batch), "create", database, table
        )
    for batch in chunks(list(deletes), DELETES_PER_CALL):
        values = [{"Values": [value]} for value in batch]
        _raise_errors(
            glue.batch_delete_partition(**where, PartitionsToDelete=values), "delete", database, table
        )


def _raise_errors(response: dict[str, Any], verb: str, database: str, table: str) -> None:
    errors = response.get("Errors") or []
    if not errors:
        return
    found = []
    for error in errors:
        values = error.get("PartitionValues") or error.get("PartitionValueList") or []
        detail = error.get("ErrorDetail") or {}
        found.append(
            f"{'/'.join(values)}: {detail.get('ErrorCode', '?')} {detail.get('ErrorMessage', '')}".strip()
        )
    raise RepointError(
        f"could not {verb} {len(errors)} partitions of {database}.{table}: " + "; ".join(found)
    )
