"""SNS, SQS, CloudWatch metrics and Budgets on the local endpoint, judged by IAM as on AWS.

The DAG's notifications and metrics (issue 24) run as the MWAA execution role: these tests make
the calls they will make, over HTTP and as that role's session, and prove the endpoint serves
what terraform/ grants it and refuses the rest with each service's own wording.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from aws_helpers import Lake, client
from botocore.exceptions import ClientError

from lakehouse.metrics_names import (
    COST_TOPIC,
    NAMESPACE,
    PIPELINE_TOPIC,
    QUALITY_TOPIC,
    ROWS_EXPORTED,
    topic_arn,
    topic_name,
)
from local.airflow_home import aws_connection
from local.aws.iam_render import LOCAL_ACCOUNT_ID, LOCAL_REGION, execution_role, local_topics
from local.aws.sessions import MWAA_EXECUTION

ENVIRONMENT = "airflow-lakehouse-local"  # the local stack's <project>-<environment>


@pytest.fixture(scope="module")
def endpoint(endpoint_url: str) -> str:
    from local.aws.bootstrap import bootstrap_aws

    bootstrap_aws(endpoint_url)  # the execution role and the topics, as Terraform creates them
    return endpoint_url


def as_execution_role(url: str, service: str) -> Any:
    """A client holding the execution role's session, as `aws_default` hands it to the DAG."""
    connection = aws_connection(url)
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=LOCAL_REGION,
        aws_access_key_id=connection["login"],
        aws_secret_access_key=connection["password"],
        aws_session_token=connection["extra"]["aws_session_token"],
    )


def subscribed_queue(url: str, topic: str) -> str:
    """The URL of a new queue subscribed to `topic` with raw delivery (the message as published)."""
    sqs, sns = client("sqs", url), client("sns", url)
    queue_url = sqs.create_queue(QueueName=f"listen-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"}
    )
    return queue_url


def received(url: str, queue_url: str) -> list[str]:
    messages = client("sqs", url).receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
    )
    return [m["Body"] for m in messages.get("Messages", [])]


def test_bootstrap_creates_the_topics_terraform_declares_with_the_names_the_dag_uses(endpoint: str) -> None:
    listed = {t["TopicArn"] for t in client("sns", endpoint).list_topics()["Topics"]}
    declared = {topic.arn for topic in local_topics().values()}

    assert declared == {
        topic_arn(ENVIRONMENT, kind, LOCAL_REGION, LOCAL_ACCOUNT_ID)
        for kind in (PIPELINE_TOPIC, QUALITY_TOPIC, COST_TOPIC)
    }
    assert declared <= listed


def test_a_queue_subscribed_to_each_topic_receives_what_the_execution_role_publishes(endpoint: str) -> None:
    sns = as_execution_role(endpoint, "sns")
    for kind in (PIPELINE_TOPIC, QUALITY_TOPIC, COST_TOPIC):
        topic = topic_arn(ENVIRONMENT, kind, LOCAL_REGION, LOCAL_ACCOUNT_ID)
        queue_url = subscribed_queue(endpoint, topic)
        message = json.dumps({"kind": kind, "dag_id": "lakehouse_daily", "run": uuid.uuid4().hex})

        sns.publish(TopicArn=topic, Subject=f"lakehouse {kind}", Message=message)

        assert received(endpoint, queue_url) == [message], kind


def test_publishing_to_a_topic_the_role_has_no_grant_for_is_an_authorization_error(endpoint: str) -> None:
    other = client("sns", endpoint).create_topic(Name=f"someone-elses-{uuid.uuid4().hex[:8]}")["TopicArn"]
    queue_url = subscribed_queue(endpoint, other)
    role = execution_role()

    with pytest.raises(ClientError) as raised:
        as_execution_role(endpoint, "sns").publish(TopicArn=other, Message="not for you")

    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error["Code"] == "AuthorizationError"
    assert error["Message"] == (
        f"User: arn:aws:sts::{LOCAL_ACCOUNT_ID}:assumed-role/{role.name}/{MWAA_EXECUTION.session_name} "
        f"is not authorized to perform: SNS:Publish on resource: {other} "
        "because no identity-based policy allows the SNS:Publish action"
    )
    assert received(endpoint, queue_url) == []


def test_the_execution_role_may_only_publish_to_the_topics(endpoint: str) -> None:
    sns = as_execution_role(endpoint, "sns")
    topic = topic_arn(ENVIRONMENT, PIPELINE_TOPIC, LOCAL_REGION, LOCAL_ACCOUNT_ID)
    for call in (
        lambda: sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="me@example.com"),
        lambda: sns.set_topic_attributes(TopicArn=topic, AttributeName="DisplayName", AttributeValue="x"),
        lambda: sns.delete_topic(TopicArn=topic),
        lambda: sns.create_topic(Name=topic_name(ENVIRONMENT, PIPELINE_TOPIC)),
    ):
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "AuthorizationError"
    assert topic in {t["TopicArn"] for t in client("sns", endpoint).list_topics()["Topics"]}


def test_metrics_put_in_the_granted_namespace_read_back(endpoint: str) -> None:
    table = f"orders_{uuid.uuid4().hex[:8]}"
    dimensions = ROWS_EXPORTED.dimensions_for(Environment=ENVIRONMENT, Table=table)
    now = datetime.now(UTC)

    as_execution_role(endpoint, "cloudwatch").put_metric_data(
        Namespace=NAMESPACE,
        MetricData=[
            {
                "MetricName": ROWS_EXPORTED.name,
                "Dimensions": dimensions,
                "Value": 1234,
                "Unit": ROWS_EXPORTED.unit,
                "Timestamp": now,
            }
        ],
    )

    cloudwatch = client("cloudwatch", endpoint)
    window = {"StartTime": now - timedelta(minutes=5), "EndTime": now + timedelta(minutes=5)}
    statistics = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName=ROWS_EXPORTED.name,
        Dimensions=dimensions,
        Period=60,
        Statistics=["Sum"],
        **window,
    )
    assert [p["Sum"] for p in statistics["Datapoints"]] == [1234]
    query = {
        "Id": "rows",
        "MetricStat": {
            "Metric": {"Namespace": NAMESPACE, "MetricName": ROWS_EXPORTED.name, "Dimensions": dimensions},
            "Period": 60,
            "Stat": "Sum",
        },
    }
    # the role reads its figures back too (GetMetricData has no resource to scope)
    reader = as_execution_role(endpoint, "cloudwatch")
    with pytest.raises(ClientError) as raised:
        reader.get_metric_data(MetricDataQueries=[query], **window)
    assert raised.value.response["Error"]["Code"] == "AccessDenied", "the role is granted no reads"
    data = cloudwatch.get_metric_data(MetricDataQueries=[query], **window)
    assert data["MetricDataResults"][0]["Values"] == [1234]


def test_metrics_put_in_another_namespace_are_denied(endpoint: str) -> None:
    cloudwatch = as_execution_role(endpoint, "cloudwatch")

    with pytest.raises(ClientError) as raised:
        cloudwatch.put_metric_data(Namespace="Lakehouse", MetricData=[{"MetricName": "Rows", "Value": 1}])

    error = raised.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert "is not authorized to perform: cloudwatch:PutMetricData on resource: *" in error["Message"]
    listed = client("cloudwatch", endpoint).list_metrics(Namespace="Lakehouse")["Metrics"]
    assert listed == []


def test_a_role_is_judged_on_queues_by_their_arns(lake: Lake) -> None:
    sqs = client("sqs", lake.url)
    mine = sqs.create_queue(QueueName=f"mine-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    theirs = sqs.create_queue(QueueName=f"theirs-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{mine.rsplit('/', 1)[1]}"
    their_arn = f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{theirs.rsplit('/', 1)[1]}"
    role = lake.role_session(
        [{"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage"], "Resource": arn}]
    ).client("sqs", endpoint_url=lake.url)

    role.send_message(QueueUrl=mine, MessageBody="hello")
    assert [m["Body"] for m in role.receive_message(QueueUrl=mine).get("Messages", [])] == ["hello"]
    with pytest.raises(ClientError) as raised:
        role.send_message(QueueUrl=theirs, MessageBody="hello")
    assert raised.value.response["Error"]["Code"] == "AccessDenied"
    assert f"sqs:SendMessage on resource: {their_arn}" in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError):
        role.delete_queue(QueueUrl=mine)


def test_a_budget_is_modified_and_viewed_only_as_granted(lake: Lake) -> None:
    name = f"stack-{uuid.uuid4().hex[:8]}"
    arn = f"arn:aws:budgets::{LOCAL_ACCOUNT_ID}:budget/{name}"
    budget = {
        "BudgetName": name,
        "BudgetLimit": {"Amount": "600", "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
    }
    viewer = lake.role_session([{"Effect": "Allow", "Action": "budgets:ViewBudget", "Resource": arn}])
    budgets = viewer.client("budgets", endpoint_url=lake.url)

    with pytest.raises(ClientError) as raised:
        budgets.create_budget(AccountId=LOCAL_ACCOUNT_ID, Budget=budget)
    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert f"budgets:ModifyBudget on resource: {arn}" in raised.value.response["Error"]["Message"]

    client("budgets", lake.url).create_budget(AccountId=LOCAL_ACCOUNT_ID, Budget=budget)
    described = budgets.describe_budget(AccountId=LOCAL_ACCOUNT_ID, BudgetName=name)["Budget"]
    assert described["BudgetLimit"]["Amount"] in ("600", "600.0")


def test_calls_to_sns_sqs_cloudwatch_and_budgets_leave_the_lakes_caches_alone() -> None:
    # none of them reaches the lake or the catalog, so none may invalidate what Athena cached
    from local.aws.server import _may_write

    for target in ("AmazonSQS", "GraniteServiceVersion20100801", "AWSBudgetServiceGateway"):
        assert not _may_write({"REQUEST_METHOD": "POST"}, target, "SendMessage")
    for service in ("sns", "sqs", "monitoring"):
        assert not _may_write({"REQUEST_METHOD": "POST"}, "", "", service)
