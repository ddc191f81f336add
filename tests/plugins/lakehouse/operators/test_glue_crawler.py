"""The bronze crawler task fails at once, with AWS's refusal, when its role may not start the crawler."""

from __future__ import annotations

import json

import pytest
from airflow.exceptions import AirflowFailException
from aws_helpers import Lake

from lakehouse.operators.glue_crawler import BronzeCrawlerOperator


def test_a_role_that_may_not_start_the_crawler_fails_the_task_without_retries(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"crawler-{lake.database}"
    lake.glue.create_crawler(
        Name=name,
        Role=lake.crawler_role(),
        DatabaseName=lake.database,
        Targets={"S3Targets": [{"Path": f"s3://{lake.bucket}/bronze/"}]},
    )
    crawler_arn = f"arn:aws:glue:us-east-1:123456789012:crawler/{name}"
    only_read = [{"Effect": "Allow", "Action": "glue:GetCrawler", "Resource": crawler_arn}]
    connection = lake.role_connection(only_read)
    monkeypatch.setenv("AIRFLOW_CONN_DENIED_AWS", json.dumps(connection))
    task = BronzeCrawlerOperator(
        task_id="crawl_bronze", crawler_name=name, aws_conn_id="denied_aws", retries=2
    )

    with pytest.raises(AirflowFailException) as failed:
        task.execute({})

    assert "AccessDeniedException" in str(failed.value)
    assert f"not authorized to perform: glue:StartCrawler on resource: {crawler_arn}" in str(failed.value)
    assert lake.glue.get_crawler(Name=name)["Crawler"]["State"] == "READY"
    assert "LastCrawl" not in lake.glue.get_crawler(Name=name)["Crawler"]
