"""The bronze crawler task: it fails at once, with AWS's refusal, when its role may not start the
crawler; a crawl over within seconds ends in the worker, a longer one is deferred as the provider does."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from airflow.sdk.exceptions import AirflowFailException
from aws_helpers import Lake

from lakehouse.operators.glue_crawler import BronzeCrawlerOperator


def _arn(crawler: str) -> str:
    return f"arn:aws:glue:us-east-1:123456789012:crawler/{crawler}"


def _crawler_over(
    lake: Lake,
    folder: str,
    monkeypatch: pytest.MonkeyPatch,
    actions: list[str] | None = None,
) -> tuple[str, str]:
    """A crawler of `folder`, and a connection whose role may do `actions` on it (by default start
    and read it) and nothing else."""
    name = f"crawler-{folder}-{lake.database}"
    lake.glue.create_crawler(
        Name=name,
        Role=lake.crawler_role(),
        DatabaseName=lake.database,
        Targets={"S3Targets": [{"Path": f"s3://{lake.bucket}/{folder}/"}]},
    )
    allowed = actions or ["glue:StartCrawler", "glue:GetCrawler"]
    statement = [{"Effect": "Allow", "Action": allowed, "Resource": _arn(name)}]
    monkeypatch.setenv("AIRFLOW_CONN_CRAWLING_AWS", json.dumps(lake.role_connection(statement)))
    return name, "crawling_aws"


def test_a_role_that_may_not_start_the_crawler_fails_the_task_without_retries(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, conn = _crawler_over(lake, "bronze", monkeypatch, actions=["glue:GetCrawler"])
    task = BronzeCrawlerOperator(task_id="crawl_bronze", crawler_name=name, aws_conn_id=conn, retries=2)

    with pytest.raises(AirflowFailException) as failed:
        task.execute({})

    assert "AccessDeniedException" in str(failed.value)
    assert f"not authorized to perform: glue:StartCrawler on resource: {_arn(name)}" in str(failed.value)
    assert lake.glue.get_crawler(Name=name)["Crawler"]["State"] == "READY"
    assert "LastCrawl" not in lake.glue.get_crawler(Name=name)["Crawler"]


def test_a_crawl_over_within_the_wait_ends_in_the_worker_without_deferring(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake.put_parquet("bronze/orders/ingest_date=2026-11-01/part-0.parquet", {"id": [1, 2]})
    name, conn = _crawler_over(lake, "bronze", monkeypatch)
    task = BronzeCrawlerOperator(
        task_id="crawl_bronze", crawler_name=name, aws_conn_id=conn, deferrable=True, poll_interval=5
    )

    assert task.execute({}) == name  # no TaskDeferred

    assert lake.glue.get_crawler(Name=name)["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"
    assert lake.glue.get_table(DatabaseName=lake.database, Name="orders")["Table"]["PartitionKeys"]


def test_a_crawl_still_running_after_the_wait_is_deferred_to_the_providers_trigger(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.providers.amazon.aws.triggers.glue_crawler import GlueCrawlerCompleteTrigger
    from airflow.sdk.exceptions import TaskDeferred

    lake.put_parquet("bronze/orders/ingest_date=2026-11-01/part-0.parquet", {"id": [1, 2]})
    name, conn = _crawler_over(lake, "bronze", monkeypatch)
    # one look, at once: a crawl takes longer than a GetCrawler right after its start
    task = BronzeCrawlerOperator(
        task_id="crawl_bronze",
        crawler_name=name,
        aws_conn_id=conn,
        deferrable=True,
        poll_interval=1,
        wait_before_deferring_s=1,
    )

    with pytest.raises(TaskDeferred) as deferred:
        task.execute({})

    trigger = deferred.value.trigger
    assert isinstance(trigger, GlueCrawlerCompleteTrigger)
    assert (trigger.waiter_delay, trigger.aws_conn_id) == (1, conn)
    assert deferred.value.method_name == "execute_complete"

    async def first_event() -> Any:
        async for event in trigger.run():
            return event
        return None

    event = asyncio.run(first_event())
    assert task.execute_complete({}, event.payload) == name
    assert lake.glue.get_crawler(Name=name)["Crawler"]["LastCrawl"]["Status"] == "SUCCEEDED"


def test_a_crawl_that_fails_within_the_wait_fails_the_task_with_its_last_crawl(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    from airflow.sdk.exceptions import AirflowException

    lake.s3.put_object(Bucket=lake.bucket, Key="broken/x/part-0.parquet", Body=b"not parquet")
    name, conn = _crawler_over(lake, "broken", monkeypatch)
    task = BronzeCrawlerOperator(task_id="crawl_bronze", crawler_name=name, aws_conn_id=conn, deferrable=True)

    with pytest.raises(AirflowException, match=f"Error in glue crawl: {name} ended .*FAILED"):
        task.execute({})
