"""Run an Athena statement from a task and read its rows, through the provider's AthenaHook.

The planning and audit steps need query results in Python (which partitions
changed, how many duplicate keys), which AthenaOperator does not return; the
hook does the calls, this only waits and reads. It polls every 0.2 s: these
are small queries a task waits on in line (planning, audits), where a longer
sleep was most of their cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from airflow.providers.amazon.aws.hooks.athena import AthenaHook


class AthenaQueryFailed(RuntimeError):
    """An Athena statement ended FAILED or CANCELLED; the message carries Athena's reason."""


class AthenaRunner:
    def __init__(self, hook: AthenaHook, output_location: str, workgroup: str, sleep_s: float = 0.2) -> None:
        self.hook = hook
        self.output_location = output_location
        self.workgroup = workgroup
        self.sleep_s = sleep_s

    def execute(self, sql: str, database: str) -> str:
        """Run `sql` to completion; return its query execution id, or raise with Athena's reason."""
        query_id = self.hook.run_query(
            query=sql,
            query_context={"Database": database},
            result_configuration={"OutputLocation": self.output_location},
            workgroup=self.workgroup,
        )
        state = self.hook.poll_query_status(query_id, sleep_time=self.sleep_s)
        if state != "SUCCEEDED":
            reason = self.hook.get_state_change_reason(query_id)
            raise AthenaQueryFailed(f"Athena query {query_id} {state}: {reason}\n{sql}")
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


def runner_for(aws_conn_id: str, output_location: str, workgroup: str) -> AthenaRunner:
    from airflow.providers.amazon.aws.hooks.athena import AthenaHook

    return AthenaRunner(AthenaHook(aws_conn_id=aws_conn_id, log_query=False), output_location, workgroup)
