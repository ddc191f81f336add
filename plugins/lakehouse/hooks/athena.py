"""BoundedAthenaHook: the provider's AthenaHook whose wait is bounded by time and cancels what it gives up on.

Why not the hook's own poll_query_status: it counts polls (120 unless told)
at a fixed interval and leaves the query running when the count runs out,
and the reason it reports for a query still running is None. This hook waits
with lakehouse.athena_wait instead, and names its caller as lakehouse.hooks.aws does;
everything else is the provider's hook.
"""

from __future__ import annotations

from typing import Any

from airflow.providers.amazon.aws.hooks.athena import AthenaHook

from lakehouse.athena_wait import ATHENA_MAX_QUERY_SECONDS, wait_for_query
from lakehouse.hooks.aws import CallerFromFrames


class BoundedAthenaHook(CallerFromFrames, AthenaHook):
    """AthenaHook whose waits end at `query_timeout_s`, cancelling the query they give up on.

    :param query_timeout_s: the longest a query may take, queueing included.
    """

    def __init__(self, *args: Any, query_timeout_s: float = ATHENA_MAX_QUERY_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.query_timeout_s = query_timeout_s

    def wait(self, query_execution_id: str) -> dict[str, Any]:
        """The finished query's execution (GetQueryExecution's QueryExecution)."""
        return wait_for_query(self.conn, query_execution_id, self.query_timeout_s)

    def poll_query_status(
        self, query_execution_id: str, max_polling_attempts: int | None = None, sleep_time: int | None = None
    ) -> str | None:
        """The query's final state. The poll count and interval are the hook's limit and backoff instead."""
        return self.wait(query_execution_id)["Status"]["State"]
