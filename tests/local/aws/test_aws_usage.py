"""The endpoint counts what it serves by the price class AWS bills it under."""

from __future__ import annotations

import json
import urllib.request

import pytest
from aws_helpers import Lake, client

from local.aws import usage
from local.aws.server import USAGE_PATH


def counted(url: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{url}{USAGE_PATH}", timeout=10) as reply:
        return json.loads(reply.read())


def delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)}


def test_s3_requests_are_counted_by_the_class_s3_bills_them_under(lake: Lake) -> None:
    s3 = client("s3", lake.url)
    before = counted(lake.url)
    s3.put_object(Bucket=lake.bucket, Key="a/one.txt", Body=b"1")
    s3.copy_object(
        Bucket=lake.bucket, Key="a/two.txt", CopySource={"Bucket": lake.bucket, "Key": "a/one.txt"}
    )
    s3.list_objects_v2(Bucket=lake.bucket, Prefix="a/")
    s3.get_object(Bucket=lake.bucket, Key="a/one.txt")["Body"].read()
    s3.head_object(Bucket=lake.bucket, Key="a/two.txt")
    s3.get_bucket_location(Bucket=lake.bucket)
    s3.delete_object(Bucket=lake.bucket, Key="a/two.txt")
    assert delta(before, counted(lake.url)) == {
        usage.S3_WRITE_OR_LIST: 3,  # the put, the copy, the list
        usage.S3_READ: 3,  # the get, the head, the bucket's location
        usage.S3_FREE: 1,
    }


def test_glue_requests_metric_puts_and_publishes_are_counted_athena_calls_are_not(lake: Lake) -> None:
    before = counted(lake.url)
    client("glue", lake.url).get_database(Name=lake.database)
    client("cloudwatch", lake.url).put_metric_data(
        Namespace="AmazonMWAA", MetricData=[{"MetricName": "Probe", "Value": 1.0}]
    )
    sns = client("sns", lake.url)
    topic = sns.create_topic(Name="usage-probe")["TopicArn"]
    sns.publish(TopicArn=topic, Message="counted")
    client("athena", lake.url).list_work_groups()
    assert delta(before, counted(lake.url)) == {
        usage.GLUE_REQUEST: 1,
        usage.CLOUDWATCH_PUT: 1,
        usage.SNS_PUBLISH: 1,
    }


@pytest.mark.parametrize(
    ("method", "key", "query", "kind"),
    [
        ("GET", "", "list-type=2&prefix=x", usage.S3_WRITE_OR_LIST),
        ("GET", "", "uploads", usage.S3_WRITE_OR_LIST),
        ("GET", "", "versioning", usage.S3_READ),
        ("POST", "k", "uploads", usage.S3_WRITE_OR_LIST),
        ("HEAD", "k", "", usage.S3_READ),
        ("DELETE", "k", "", usage.S3_FREE),
        (
            "POST",
            "",
            "delete",
            usage.S3_WRITE_OR_LIST,
        ),  # DeleteObjects: a POST, counted at its rate (an upper bound)
    ],
)
def test_the_price_class_of_each_kind_of_s3_request(method: str, key: str, query: str, kind: str) -> None:
    assert usage.s3_request_class(method, key, query) == kind
