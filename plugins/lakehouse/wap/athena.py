"""Run an Athena statement from a task and read its rows, through the provider's hook.

The planning and audit steps need query results in Python (which partitions
changed, how many duplicate keys), which AthenaOperator does not return; the
hook does the calls and the bounded wait (lakehouse.hooks.athena), this
submits, checks the outcome and reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakehouse.athena_wait import AthenaQueryFailed

__all__ = ["AthenaQueryFailed", "AthenaRunner", "runner_for"]

if TYPE_CHECKING:
    from lakehouse.hooks.athena import BoundedAthenaHook


class AthenaRunner:
    def __init__(self, hook: BoundedAthenaHook, output_location: str, workgroup: str) -> None:
        self.hook = hook
        self.output_location = output_location
        self.workgroup = workgroup

    def execute(self, sql: str, database: str) -> str:
        """Run `sql` to completion; return its query execution id, or raise with Athena's reason."""
        from lakehouse.athena_wait import succeeded

        query_id = self.hook.run_query(
            query=sql,
            query_context={"Database": database},
            result_configuration={"OutputLocation": self.output_location},
            workgroup=self.workgroup,
        )
        succeeded(self.hook.wait(query_id), sql)
        return query_id

    def rows(self, sql: str, database: str) -> list[list[str | None]]:
        """Execute `sql` and return its data rows (header row removed), as Athena's strings."""
        query_id = self.execute(sql, database)
        rows: list[list[str | None]] = []
        header_skipped = False
        for page in self.hook.get_query_results_paginator(query_id):
            for row in page["ResultSet"]["Rows"]:
                if not header_skipped:
                    header_skipped = True
                    continue
                rows.append([cell.get("VarCharValue") for cell in row["Data"]])
        return rows


def runner_for(aws_conn_id: str, output_location: str, workgroup: str, timeout_s: float) -> AthenaRunner:
    """A runner on the connection whose every query may take at most `timeout_s`, queueing included."""
    from lakehouse.hooks.athena import BoundedAthenaHook

    hook = BoundedAthenaHook(aws_conn_id=aws_conn_id, log_query=False, query_timeout_s=timeout_s)
    return AthenaRunner(hook, output_location, workgroup)
