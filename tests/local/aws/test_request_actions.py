"""Each API request is mapped to the IAM actions and resources AWS authorizes it on."""

from __future__ import annotations

import pytest

from local.aws.request_actions import (
    Ask,
    S3Request,
    Unmapped,
    athena_asks,
    budgets_asks,
    cloudwatch_asks,
    glue_asks,
    query_protocol_asks,
    s3_asks,
    sqs_asks,
)

ACCOUNT, REGION = "123456789012", "us-east-1"
GLUE = f"arn:aws:glue:{REGION}:{ACCOUNT}"


def s3(method: str, bucket: str, key: str = "", query: str = "", **extra: object) -> list[Ask]:
    headers = extra.get("headers") or {}
    body = extra.get("body") or b""
    return s3_asks(S3Request(method, bucket, key, query, headers, lambda: body))  # type: ignore[arg-type]


def test_s3_requests_need_the_action_aws_names_for_them() -> None:
    assert s3("GET", "lake", "bronze/a.parquet") == [
        Ask("s3:GetObject", ("arn:aws:s3:::lake/bronze/a.parquet",))
    ]
    assert s3("HEAD", "lake", "k", "versionId=3")[0].action == "s3:GetObjectVersion"
    assert s3("PUT", "lake", "k")[0].action == "s3:PutObject"
    assert s3("POST", "lake", "k", "uploads")[0].action == "s3:PutObject"
    assert s3("PUT", "lake", "k", "partNumber=1&uploadId=u")[0].action == "s3:PutObject"
    assert s3("GET", "lake", "k", "uploadId=u")[0].action == "s3:ListMultipartUploadParts"
    assert s3("DELETE", "lake", "k", "uploadId=u")[0].action == "s3:AbortMultipartUpload"
    assert s3("DELETE", "lake", "k")[0].action == "s3:DeleteObject"
    assert s3("GET", "lake", "", "uploads&prefix=bronze%2F")[0].action == "s3:ListBucketMultipartUploads"
    assert s3("GET", "lake", "", "location")[0].action == "s3:GetBucketLocation"
    assert s3("PUT", "lake")[0].action == "s3:CreateBucket"
    assert s3("GET", "")[0] == Ask("s3:ListAllMyBuckets", ("*",))


def test_a_listing_carries_its_prefix_as_the_condition_key_and_none_when_it_sets_none() -> None:
    listed = s3("GET", "lake", "", "list-type=2&prefix=silver%2Forders%2F&delimiter=%2F")[0]
    assert listed == Ask(
        "s3:ListBucket", ("arn:aws:s3:::lake",), {"s3:prefix": "silver/orders/", "s3:delimiter": "/"}
    )
    assert s3("GET", "lake", "", "list-type=2")[0].context == {}


def test_a_copy_reads_its_source_and_a_batch_delete_deletes_each_key() -> None:
    copy = s3("PUT", "lake", "gold/x", headers={"x-amz-copy-source": "/lake/silver/x%3D1"})
    assert [a.action for a in copy] == ["s3:PutObject", "s3:GetObject"]
    assert copy[1].resources == ("arn:aws:s3:::lake/silver/x=1",)
    body = (
        b"<Delete><Object><Key>a</Key></Object>"
        b"<Object><Key>b/c</Key><VersionId>v1</VersionId></Object></Delete>"
    )
    deleted = s3("POST", "lake", "", "delete", body=body)
    assert deleted == [
        Ask("s3:DeleteObject", ("arn:aws:s3:::lake/a",)),
        Ask("s3:DeleteObjectVersion", ("arn:aws:s3:::lake/b/c",)),
    ]


def test_a_versions_tags_and_acl_need_the_version_actions_and_tags_on_upload_need_tagging() -> None:
    assert s3("PUT", "lake", "k", "tagging&versionId=v")[0].action == "s3:PutObjectVersionTagging"
    assert s3("GET", "lake", "k", "acl&versionId=v")[0].action == "s3:GetObjectVersionAcl"
    tagged = s3("PUT", "lake", "k", headers={"x-amz-tagging": "a=b"})
    assert [a.action for a in tagged] == ["s3:PutObject", "s3:PutObjectTagging"]


def test_an_s3_request_it_cannot_map_is_refused_rather_than_passed() -> None:
    with pytest.raises(Unmapped, match="inventory"):
        s3("GET", "lake", "", "inventory")


def test_glue_table_actions_are_authorized_on_the_catalog_the_database_and_the_table() -> None:
    asks = glue_asks("GetPartitions", {"DatabaseName": "silver", "TableName": "orders"}, ACCOUNT, REGION)
    assert asks == [
        Ask(
            "glue:GetPartitions",
            (f"{GLUE}:catalog", f"{GLUE}:database/silver", f"{GLUE}:table/silver/orders"),
        )
    ]
    created = glue_asks("CreateTable", {"DatabaseName": "gold", "TableInput": {"Name": "t"}}, ACCOUNT, REGION)
    assert created[0].resources[-1] == f"{GLUE}:table/gold/t"
    assert (
        glue_asks("GetTables", {"DatabaseName": "gold"}, ACCOUNT, REGION)[0].resources[-1]
        == f"{GLUE}:table/gold/*"
    )


def test_deleting_a_database_is_authorized_on_its_tables_too() -> None:
    asks = glue_asks("DeleteDatabase", {"Name": "gold"}, ACCOUNT, REGION)
    assert asks[0].resources == (f"{GLUE}:catalog", f"{GLUE}:database/gold", f"{GLUE}:table/gold/*")


def test_a_crawler_is_authorized_by_its_arn_and_giving_it_a_role_passes_that_role() -> None:
    assert glue_asks("StartCrawler", {"Name": "c"}, ACCOUNT, REGION) == [
        Ask("glue:StartCrawler", (f"{GLUE}:crawler/c",))
    ]
    created = glue_asks("CreateCrawler", {"Name": "c", "Role": "r"}, ACCOUNT, REGION)
    assert created[1] == Ask(
        "iam:PassRole", (f"arn:aws:iam::{ACCOUNT}:role/r",), {"iam:PassedToService": "glue.amazonaws.com"}
    )
    with pytest.raises(Unmapped):
        glue_asks("TagResource", {}, ACCOUNT, REGION)


def test_athena_query_calls_are_authorized_on_the_workgroup_the_query_ran_in() -> None:
    def workgroup_of(query_id: str) -> str | None:
        return {"q1": "lakehouse"}.get(query_id)

    asks = athena_asks(
        "GetQueryResults",
        {"QueryExecutionId": "q1"},
        ACCOUNT,
        REGION,
        workgroup_of=workgroup_of,
        named_query_workgroup=lambda _: None,
    )
    assert asks == [
        Ask("athena:GetQueryResults", (f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/lakehouse",))
    ]
    start = athena_asks(
        "StartQueryExecution",
        {"QueryString": "select 1"},
        ACCOUNT,
        REGION,
        workgroup_of=workgroup_of,
        named_query_workgroup=lambda _: None,
    )
    assert start[0].resources == (f"arn:aws:athena:{REGION}:{ACCOUNT}:workgroup/primary",)
    # an unknown query id asks nothing here: Athena answers it with InvalidRequestException
    assert (
        athena_asks(
            "GetQueryExecution",
            {"QueryExecutionId": "nope"},
            ACCOUNT,
            REGION,
            workgroup_of=workgroup_of,
            named_query_workgroup=lambda _: None,
        )
        == []
    )


def test_who_am_i_needs_no_permission_and_iam_calls_name_their_role() -> None:
    assert query_protocol_asks("sts", {"Action": "GetCallerIdentity"}, ACCOUNT) == []
    put = query_protocol_asks("iam", {"Action": "PutRolePolicy", "RoleName": "r"}, ACCOUNT)
    assert put == [Ask("iam:PutRolePolicy", (f"arn:aws:iam::{ACCOUNT}:role/r",))]


TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:pipeline"


def sns(action: str, **form: str) -> list[Ask]:
    return query_protocol_asks("sns", {"Action": action, **form}, ACCOUNT, REGION)


def test_sns_calls_are_authorized_on_their_topic_and_a_batch_as_publish() -> None:
    assert sns("Publish", TopicArn=TOPIC, Message="m") == [Ask("sns:Publish", (TOPIC,))]
    assert sns("PublishBatch", TopicArn=TOPIC) == [Ask("sns:Publish", (TOPIC,))]
    other = TOPIC.replace("pipeline", "other")
    assert sns("Publish", TopicArn=TOPIC, TargetArn=other) == [Ask("sns:Publish", (TOPIC, other))]
    assert sns("CreateTopic", Name="pipeline") == [Ask("sns:CreateTopic", (TOPIC,))]
    assert sns("Subscribe", TopicArn=TOPIC, Protocol="sqs") == [Ask("sns:Subscribe", (TOPIC,))]
    assert sns("Unsubscribe", SubscriptionArn=f"{TOPIC}:0b5c") == [Ask("sns:Unsubscribe", (TOPIC,))]
    assert sns("ListTopics") == [Ask("sns:ListTopics", ("*",))]
    with pytest.raises(Unmapped):
        sns("Publish", Message="to nobody")
    with pytest.raises(Unmapped):
        sns("CreatePlatformApplication", Name="p")


def test_sqs_calls_are_authorized_on_the_queue_their_url_names_and_batches_as_what_they_batch() -> None:
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"
    url = f"http://127.0.0.1:4566/{ACCOUNT}/q"
    assert sqs_asks("SendMessage", {"QueueUrl": url}, ACCOUNT, REGION) == [Ask("sqs:SendMessage", (queue,))]
    assert sqs_asks("DeleteMessageBatch", {"QueueUrl": url}, ACCOUNT, REGION)[0].action == "sqs:DeleteMessage"
    assert sqs_asks("CreateQueue", {"QueueName": "q"}, ACCOUNT, REGION) == [Ask("sqs:CreateQueue", (queue,))]
    assert query_protocol_asks("sqs", {"Action": "ReceiveMessage", "QueueUrl": url}, ACCOUNT, REGION) == [
        Ask("sqs:ReceiveMessage", (queue,))
    ]
    with pytest.raises(Unmapped):
        sqs_asks("SendMessage", {"QueueUrl": "http://127.0.0.1:4566/q"}, ACCOUNT, REGION)


def test_put_metric_data_carries_its_namespace_and_alarms_and_dashboards_their_arns() -> None:
    put = cloudwatch_asks("PutMetricData", {"Namespace": "AmazonMWAA"}, ACCOUNT, REGION)
    assert put == [Ask("cloudwatch:PutMetricData", ("*",), {"cloudwatch:namespace": "AmazonMWAA"})]
    assert cloudwatch_asks("GetMetricData", {}, ACCOUNT, REGION) == [Ask("cloudwatch:GetMetricData", ("*",))]
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:"
    deleted = query_protocol_asks(
        "monitoring",
        {"Action": "DeleteAlarms", "AlarmNames.member.2": "b", "AlarmNames.member.1": "a"},
        ACCOUNT,
        REGION,
    )
    assert deleted == [Ask("cloudwatch:DeleteAlarms", (f"{alarm}a", f"{alarm}b"))]
    dashboard = cloudwatch_asks("PutDashboard", {"DashboardName": "d"}, ACCOUNT, REGION)
    assert dashboard == [Ask("cloudwatch:PutDashboard", (f"arn:aws:cloudwatch::{ACCOUNT}:dashboard/d",))]
    with pytest.raises(Unmapped):
        cloudwatch_asks("PutMetricStream", {}, ACCOUNT, REGION)


def test_budgets_are_modified_or_viewed_on_their_global_arn() -> None:
    arn = f"arn:aws:budgets::{ACCOUNT}:budget/stack"
    created = budgets_asks("CreateBudget", {"AccountId": ACCOUNT, "Budget": {"BudgetName": "stack"}}, ACCOUNT)
    assert created == [Ask("budgets:ModifyBudget", (arn,))]
    smuggled = {"AccountId": ACCOUNT, "BudgetName": "other", "Budget": {"BudgetName": "stack"}}
    assert budgets_asks("CreateBudget", smuggled, ACCOUNT) == created
    viewed = budgets_asks("DescribeBudget", {"AccountId": ACCOUNT, "BudgetName": "stack"}, ACCOUNT)
    assert viewed == [Ask("budgets:ViewBudget", (arn,))]
    with pytest.raises(Unmapped):
        budgets_asks("CreateBudgetAction", {"BudgetName": "stack"}, ACCOUNT)
