"""BronzeCrawlerOperator: the provider's crawler run, failing at once when AWS denies it,
and not deferring a crawl that ends within seconds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from airflow.providers.amazon.aws.operators.glue_crawler import GlueCrawlerRunOperator

from lakehouse.denials import denials_fail_the_task
from lakehouse.hooks.aws import LakeGlueCrawlerHook

if TYPE_CHECKING:
    from airflow.sdk import Context

MAX_ATTEMPTS_EXCEEDED = "Max attempts exceeded"


class BronzeCrawlerOperator(GlueCrawlerRunOperator):
    """GlueCrawlerRunOperator whose denied calls fail the task without retries, and which
    watches a deferrable crawl for a few seconds before deferring it.

    Why not the provider's operator alone: it lets an AccessDeniedException from StartCrawler
    take the task's retries, each after its backoff, though only a change to the role can make
    the call succeed (lakehouse.denials). And it defers right after the start: a crawl of a
    quiet day's few new files, over in a second or two, then costs a trigger's first poll
    (`poll_interval` later) and a second task process to resume, on the run's critical path.
    This one polls GetCrawler with the provider's own `crawler_ready` waiter, once a second
    for `wait_before_deferring_s`, and defers, as the provider does, only a crawl still
    running then; a long crawl holds a worker slot no longer than that. Everything else is
    the provider's: the start, the trigger, the verdict on a failed or cancelled crawl.

    :param wait_before_deferring_s: how long to watch the crawl in the worker before
        deferring it (0: defer at once, as the provider does).
    """

    aws_hook_class = LakeGlueCrawlerHook

    def __init__(self, *, wait_before_deferring_s: int = 10, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wait_before_deferring_s = wait_before_deferring_s

    def execute(self, context: Context) -> Any:
        with denials_fail_the_task():
            if not self.deferrable or self.wait_before_deferring_s < 1:
                return super().execute(context)
            with self._start_only():
                super().execute(context)
            if self._finished_in_worker():
                return self.crawler_name
            return self._defer_as_the_provider_does()

    @contextmanager
    def _start_only(self) -> Iterator[None]:
        """The provider's execute, made to start the crawl and return (its start and its
        handling of a crawler already running are kept as they are)."""
        deferrable, wait = self.deferrable, self.wait_for_completion
        self.deferrable = self.wait_for_completion = False
        try:
            yield
        finally:
            self.deferrable, self.wait_for_completion = deferrable, wait

    def _finished_in_worker(self) -> bool:
        """True once the crawl succeeded; False if it still runs after the wait. A failed or
        cancelled crawl fails the task with the provider's message."""
        from airflow.sdk.exceptions import AirflowException
        from botocore.exceptions import WaiterError

        waiter = self.hook.get_waiter("crawler_ready")
        try:
            waiter.wait(
                Name=self.crawler_name,
                WaiterConfig={"Delay": 1, "MaxAttempts": self.wait_before_deferring_s},
            )
        except WaiterError as error:
            if MAX_ATTEMPTS_EXCEEDED in str(error.kwargs.get("reason")):
                self.log.info(
                    "crawl %s still running after %s s: deferring",
                    self.crawler_name,
                    self.wait_before_deferring_s,
                )
                return False
            last = (error.last_response or {}).get("Crawler", {}).get("LastCrawl")
            raise AirflowException(f"Error in glue crawl: {self.crawler_name} ended {last}") from error
        self.log.info("crawl %s finished within %s s", self.crawler_name, self.wait_before_deferring_s)
        return True

    def _defer_as_the_provider_does(self) -> Any:
        from airflow.providers.amazon.aws.triggers.glue_crawler import GlueCrawlerCompleteTrigger

        self.defer(
            trigger=GlueCrawlerCompleteTrigger(
                crawler_name=self.crawler_name,
                waiter_delay=self.poll_interval,
                aws_conn_id=self.aws_conn_id,
                region_name=self.region_name,
                verify=self.verify,
                botocore_config=self.botocore_config,
            ),
            method_name="execute_complete",
        )
