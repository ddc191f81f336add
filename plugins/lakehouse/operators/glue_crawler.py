"""BronzeCrawlerOperator: the provider's crawler run, failing at once when AWS denies it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.providers.amazon.aws.operators.glue_crawler import GlueCrawlerRunOperator

from lakehouse.denials import denials_fail_the_task

if TYPE_CHECKING:
    from airflow.sdk import Context


class BronzeCrawlerOperator(GlueCrawlerRunOperator):
    """GlueCrawlerRunOperator whose denied calls fail the task without retries.

    Why not the provider's operator alone: it lets an AccessDeniedException from StartCrawler
    take the task's retries, each after its backoff, though only a change to the role can make
    the call succeed (lakehouse.denials). Everything else is the provider's: the start, the
    deferral, the trigger's verdict.
    """

    def execute(self, context: Context) -> Any:
        with denials_fail_the_task():
            return super().execute(context)
