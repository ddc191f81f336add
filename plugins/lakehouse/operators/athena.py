"""BoundedAthenaOperator: the provider's AthenaOperator with a wait bounded by time.

Why not the provider's AthenaOperator as it is: its wait is a count of polls
at a fixed interval, and when the count runs out it fails leaving the query
running on Athena. This operator only swaps in BoundedAthenaHook, whose wait
ends at a time limit, polls less often as the query goes on, and cancels the
query it gives up on; submission, results link, on_kill and lineage are the
provider's. It waits in the worker: the provider's deferrable path waits
through its own trigger, which counts polls again. A call Athena refuses for
want of a permission fails the task at once (lakehouse.denials) instead of
taking its retries.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.amazon.aws.operators.athena import AthenaOperator

from lakehouse.denials import denials_fail_the_task
from lakehouse.hooks.athena import BoundedAthenaHook

if TYPE_CHECKING:
    from airflow.sdk import Context


class BoundedAthenaOperator(AthenaOperator):
    """Run one Athena statement; fail, after cancelling it, if it takes longer than `query_timeout`.

    :param query_timeout: the longest the statement may take, Athena's queueing included.
    """

    aws_hook_class = BoundedAthenaHook

    def __init__(self, *, query_timeout: timedelta, **kwargs: Any) -> None:
        super().__init__(deferrable=False, **kwargs)
        self.query_timeout = query_timeout

    def execute(self, context: Context) -> Any:
        with denials_fail_the_task():
            return super().execute(context)

    @property
    def _hook_parameters(self) -> dict[str, Any]:
        return {**super()._hook_parameters, "query_timeout_s": self.query_timeout.total_seconds()}
