"""Which IAM actions, on which resources, an AWS API request needs: as AWS authorizes it.

One request may need several: CopyObject reads its source and writes its target, a Glue table
action is authorized on the catalog, the database and the table, DeleteObjects deletes each of
its keys. A request this module cannot map raises ``Unmapped`` rather than passing: a call the
local endpoint cannot judge must not succeed for a principal AWS would judge.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .access import glue_table_arns, s3_bucket_arn, s3_object_arn


class Unmapped(Exception):
    """The local endpoint does not know what IAM needs for this request."""


@dataclass(frozen=True)
class Ask:
    action: str
    resources: tuple[str, ...]
    context: Mapping[str, Any] = field(default_factory=dict)


# -- S3 ------------------------------------------------------------------------------------
_BUCKET_GET = {
    "location": "GetBucketLocation",
    "versioning": "GetBucketVersioning",
    "encryption": "GetEncryptionConfiguration",
    "publicAccessBlock": "GetBucketPublicAccessBlock",
    "policy": "GetBucketPolicy",
    "policyStatus": "GetBucketPolicyStatus",
    "tagging": "GetBucketTagging",
    "lifecycle": "GetLifecycleConfiguration",
    "acl": "GetBucketAcl",
    "cors": "GetBucketCORS",
    "logging": "GetBucketLogging",
    "notification": "GetBucketNotification",
    "ownershipControls": "GetBucketOwnershipControls",
    "website": "GetBucketWebsite",
    "object-lock": "GetBucketObjectLockConfiguration",
    "replication": "GetReplicationConfiguration",
    "accelerate": "GetAccelerateConfiguration",
    "requestPayment": "GetBucketRequestPayment",
    "uploads": "ListBucketMultipartUploads",
    "versions": "ListBucketVersions",
}
_BUCKET_PUT = {
    "versioning": "PutBucketVersioning",
    "encryption": "PutEncryptionConfiguration",
    "publicAccessBlock": "PutBucketPublicAccessBlock",
    "policy": "PutBucketPolicy",
    "tagging": "PutBucketTagging",
    "lifecycle": "PutLifecycleConfiguration",
    "acl": "PutBucketAcl",
    "cors": "PutBucketCORS",
    "logging": "PutBucketLogging",
    "notification": "PutBucketNotification",
    "ownershipControls": "PutBucketOwnershipControls",
    "website": "PutBucketWebsite",
    "object-lock": "PutBucketObjectLockConfiguration",
    "replication": "PutReplicationConfiguration",
    "accelerate": "PutAccelerateConfiguration",
    "requestPayment": "PutBucketRequestPayment",
}
# Deleting a bucket's configuration is authorized as putting it, except where AWS has a Delete.
_BUCKET_DELETE = {
    **{sub: action for sub, action in _BUCKET_PUT.items() if sub not in ("policy", "website")},
    "policy": "DeleteBucketPolicy",
    "website": "DeleteBucketWebsite",
}
_OBJECT_GET = {
    "tagging": "GetObjectTagging",
    "acl": "GetObjectAcl",
    "uploadId": "ListMultipartUploadParts",
    "attributes": "GetObjectAttributes",
    "retention": "GetObjectRetention",
    "legal-hold": "GetObjectLegalHold",
}
_OBJECT_PUT = {
    "tagging": "PutObjectTagging",
    "acl": "PutObjectAcl",
    "retention": "PutObjectRetention",
    "legal-hold": "PutObjectLegalHold",
}
# object subresource actions and their forms for one version (a request naming ?versionId)
_VERSIONED = {
    "GetObjectTagging": "GetObjectVersionTagging",
    "GetObjectAcl": "GetObjectVersionAcl",
    "PutObjectTagging": "PutObjectVersionTagging",
    "PutObjectAcl": "PutObjectVersionAcl",
    "GetObjectAttributes": "GetObjectVersionAttributes",
}
# query parameters that are arguments, not subresources
_ARGUMENTS = {
    "prefix",
    "delimiter",
    "max-keys",
    "marker",
    "list-type",
    "continuation-token",
    "start-after",
    "fetch-owner",
    "encoding-type",
    "key-marker",
    "upload-id-marker",
    "version-id-marker",
    "max-uploads",
    "max-parts",
    "part-number-marker",
    "partNumber",
    "versionId",
    "x-id",
    "response-content-type",
    "response-content-disposition",
    "response-content-encoding",
    "response-cache-control",
    "response-expires",
    "response-content-language",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "optional-object-attributes",
    "allow-unordered",
}


def _subresource(params: Mapping[str, list[str]], table: Mapping[str, str], what: str) -> str | None:
    subresources = [name for name in params if name not in _ARGUMENTS or name in table]
    known = [name for name in subresources if name in table]
    unknown = [name for name in subresources if name not in table]
    if unknown:
        raise Unmapped(f"S3 {what} with ?{unknown[0]}")
    return table[known[0]] if known else None


@dataclass(frozen=True)
class S3Request:
    """An S3 call as moto reads it: path-style bucket and key split, the key decoded."""

    method: str
    bucket: str
    key: str
    query: str
    headers: Mapping[str, str]
    body: Callable[[], bytes]  # read only by the calls that need it (DeleteObjects)


def s3_asks(request: S3Request) -> list[Ask]:
    params = parse_qs(request.query, keep_blank_values=True)
    method = request.method.upper()
    if not request.bucket:
        if method == "GET":
            return [Ask("s3:ListAllMyBuckets", ("*",))]
        raise Unmapped(f"S3 {method} on the service")
    if not request.key:
        return _bucket_asks(method, request.bucket, params, request.body)
    handler = _OBJECT_METHODS.get(method)
    if handler is None:
        raise Unmapped(f"S3 {method} on an object")
    return handler(s3_object_arn(request.bucket, request.key), params, request.headers)


def _bucket_asks(
    method: str, bucket: str, params: Mapping[str, list[str]], body: Callable[[], bytes]
) -> list[Ask]:
    arn = s3_bucket_arn(bucket)
    if method == "POST" and "delete" in params:
        return [
            Ask("s3:DeleteObjectVersion" if version else "s3:DeleteObject", (s3_object_arn(bucket, key),))
            for key, version in _objects_to_delete(body())
        ]
    if method in ("GET", "HEAD"):
        sub = _subresource(params, _BUCKET_GET, "bucket GET")
        if sub is None:
            return [Ask("s3:ListBucket", (arn,), _list_context(params))]
        return [Ask(f"s3:{sub}", (arn,), _list_context(params) if sub.startswith("List") else {})]
    if method == "PUT":
        sub = _subresource(params, _BUCKET_PUT, "bucket PUT")
        return [Ask(f"s3:{sub or 'CreateBucket'}", (arn,))]
    if method == "DELETE":
        sub = _subresource(params, _BUCKET_DELETE, "bucket DELETE")
        return [Ask(f"s3:{sub or 'DeleteBucket'}", (arn,))]
    raise Unmapped(f"S3 {method} on a bucket")


def _list_context(params: Mapping[str, list[str]]) -> dict[str, str]:
    """The condition keys a listing carries: only those the request sets (s3:prefix too)."""
    names = {"prefix": "s3:prefix", "delimiter": "s3:delimiter", "max-keys": "s3:max-keys"}
    return {key: params[name][0] for name, key in names.items() if name in params}


def _objects_to_delete(body: bytes) -> list[tuple[str, str | None]]:
    """(key, version id or None) of each object a DeleteObjects body names."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as err:
        raise Unmapped(f"DeleteObjects with a body that is not XML: {err}") from err

    def child(element: ET.Element, name: str) -> str | None:
        found = next((c for c in element if c.tag.rsplit("}", 1)[-1] == name), None)
        return None if found is None else found.text or ""

    objects = [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Object"]
    return [(child(el, "Key") or "", child(el, "VersionId")) for el in objects]


def _object_read(arn: str, params: Mapping[str, list[str]], _headers: Mapping[str, str]) -> list[Ask]:
    versioned = "versionId" in params
    sub = _subresource(params, _OBJECT_GET, "object GET")
    if sub is None:
        sub = "GetObjectVersion" if versioned else "GetObject"
    elif versioned and sub in _VERSIONED:
        sub = _VERSIONED[sub]
    return [Ask(f"s3:{sub}", (arn,))]


def _object_put(arn: str, params: Mapping[str, list[str]], headers: Mapping[str, str]) -> list[Ask]:
    if "uploadId" in params:  # UploadPart (UploadPartCopy with a copy source)
        params = {name: value for name, value in params.items() if name != "uploadId"}
    sub = _subresource(params, _OBJECT_PUT, "object PUT")
    if sub is not None:
        return [Ask(f"s3:{_VERSIONED.get(sub, sub) if 'versionId' in params else sub}", (arn,))]
    asks = [Ask("s3:PutObject", (arn,), _put_context(headers))]
    if headers.get("x-amz-tagging"):
        asks.append(Ask("s3:PutObjectTagging", (arn,)))
    source = headers.get("x-amz-copy-source")
    if source:
        asks.append(_copy_source_ask(source))
    return asks


def _object_post(arn: str, params: Mapping[str, list[str]], headers: Mapping[str, str]) -> list[Ask]:
    if "uploads" in params or "uploadId" in params:  # CreateMultipartUpload, CompleteMultipartUpload
        return [Ask("s3:PutObject", (arn,), _put_context(headers))]
    if "restore" in params:
        return [Ask("s3:RestoreObject", (arn,))]
    raise Unmapped(f"S3 POST on an object with {sorted(params)}")


def _object_delete(arn: str, params: Mapping[str, list[str]], _headers: Mapping[str, str]) -> list[Ask]:
    versioned = "versionId" in params
    if "uploadId" in params:
        return [Ask("s3:AbortMultipartUpload", (arn,))]
    if "tagging" in params:
        return [Ask("s3:DeleteObjectVersionTagging" if versioned else "s3:DeleteObjectTagging", (arn,))]
    _subresource(params, {}, "object DELETE")
    return [Ask("s3:DeleteObjectVersion" if versioned else "s3:DeleteObject", (arn,))]


_OBJECT_METHODS: dict[str, Callable[[str, Mapping[str, list[str]], Mapping[str, str]], list[Ask]]] = {
    "GET": _object_read,
    "HEAD": _object_read,
    "PUT": _object_put,
    "POST": _object_post,
    "DELETE": _object_delete,
}


def _put_context(headers: Mapping[str, str]) -> dict[str, str]:
    names = {
        "x-amz-server-side-encryption": "s3:x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id": "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-acl": "s3:x-amz-acl",
    }
    return {key: headers[name] for name, key in names.items() if name in headers}


def _copy_source_ask(source: str) -> Ask:
    path, _, query = unquote(source).lstrip("/").partition("?")
    bucket, _, key = path.partition("/")
    action = "s3:GetObjectVersion" if "versionId=" in query else "s3:GetObject"
    return Ask(action, (s3_object_arn(bucket, key),))


# -- Glue ----------------------------------------------------------------------------------
_GLUE_TABLE_NAMED = {
    "GetTableVersion",
    "GetTableVersions",
    "DeleteTableVersion",
    "BatchDeleteTableVersion",
    "GetPartition",
    "GetPartitions",
    "BatchGetPartition",
    "CreatePartition",
    "BatchCreatePartition",
    "UpdatePartition",
    "BatchUpdatePartition",
    "DeletePartition",
    "BatchDeletePartition",
    "GetPartitionIndexes",
    "CreatePartitionIndex",
    "DeletePartitionIndex",
    "GetColumnStatisticsForTable",
    "UpdateColumnStatisticsForTable",
    "DeleteColumnStatisticsForTable",
    "GetColumnStatisticsForPartition",
    "UpdateColumnStatisticsForPartition",
    "DeleteColumnStatisticsForPartition",
}
_GLUE_CRAWLER_NAMED = {"StartCrawler", "StopCrawler", "GetCrawler", "DeleteCrawler"}
_GLUE_ANY_CRAWLER = {"GetCrawlers", "ListCrawlers", "GetCrawlerMetrics"}


def _table_input_name(body: Mapping[str, Any]) -> str:
    return str((body.get("TableInput") or {}).get("Name") or "")


def _database(body: Mapping[str, Any]) -> str:
    return str(body.get("DatabaseName") or "")


# Glue catalog actions -> (database, table or None) they name
_GLUE_NAMES: tuple[tuple[frozenset[str], Callable[[Mapping[str, Any]], tuple[str, str | None]]], ...] = (
    (
        frozenset({"CreateDatabase", "GetDatabases"}),
        lambda b: (str((b.get("DatabaseInput") or {}).get("Name") or "*"), None),
    ),
    (frozenset({"GetDatabase", "UpdateDatabase"}), lambda b: (str(b.get("Name") or ""), None)),
    (frozenset({"DeleteDatabase"}), lambda b: (str(b.get("Name") or ""), "*")),  # and all its tables
    (frozenset({"CreateTable", "UpdateTable"}), lambda b: (_database(b), _table_input_name(b))),
    (frozenset({"GetTable", "DeleteTable"}), lambda b: (_database(b), str(b.get("Name") or ""))),
    (frozenset({"GetTables"}), lambda b: (_database(b), "*")),
    (frozenset(_GLUE_TABLE_NAMED), lambda b: (_database(b), str(b.get("TableName") or ""))),
)


def _glue_names(action: str, body: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """(database, table or None) a Glue catalog action names; None for crawler actions."""
    for actions, names in _GLUE_NAMES:
        if action in actions:
            return names(body)
    return None


def _crawler_asks(action: str, body: Mapping[str, Any], account: str, region: str) -> list[Ask]:
    name = f"glue:{action}"
    crawler = f"arn:aws:glue:{region}:{account}:crawler/"
    if action in _GLUE_CRAWLER_NAMED or action in ("CreateCrawler", "UpdateCrawler"):
        asks = [Ask(name, (crawler + str(body.get("Name") or ""),))]
        if action in ("CreateCrawler", "UpdateCrawler") and body.get("Role"):
            asks.append(_pass_role(str(body["Role"]), account, "glue.amazonaws.com"))
        return asks
    if action == "BatchGetCrawlers":
        return [Ask(name, tuple(crawler + str(n) for n in body.get("CrawlerNames") or []) or ("*",))]
    if action == "ListCrawls":
        return [Ask(name, (crawler + str(body.get("CrawlerName") or ""),))]
    if action in _GLUE_ANY_CRAWLER:
        return [Ask(name, ("*",))]
    raise Unmapped(f"glue:{action}")


def glue_asks(action: str, body: Mapping[str, Any], account: str, region: str) -> list[Ask]:
    """Catalog actions on the catalog, database and table they name; crawler actions on the crawler."""
    if action == "BatchDeleteTable":
        database = str(body.get("DatabaseName") or "")
        return [
            Ask(f"glue:{action}", tuple(glue_table_arns(account, region, database, str(table))))
            for table in body.get("TablesToDelete") or []
        ]
    names = _glue_names(action, body)
    if names is None:
        return _crawler_asks(action, body, account, region)
    return [Ask(f"glue:{action}", tuple(glue_table_arns(account, region, *names)))]


def _pass_role(role: str, account: str, service: str) -> Ask:
    arn = role if role.startswith("arn:") else f"arn:aws:iam::{account}:role/{role}"
    return Ask("iam:PassRole", (arn,), {"iam:PassedToService": service})


# -- Athena --------------------------------------------------------------------------------
_ATHENA_EXECUTION_NAMED = {
    "GetQueryExecution",
    "GetQueryResults",
    "StopQueryExecution",
    "GetQueryRuntimeStatistics",
}
_ATHENA_WORKGROUP_PARAM = {
    "StartQueryExecution",
    "ListQueryExecutions",
    "CreateNamedQuery",
    "ListNamedQueries",
    "GetWorkGroup",
    "UpdateWorkGroup",
    "DeleteWorkGroup",
    "CreatePreparedStatement",
    "GetPreparedStatement",
    "ListPreparedStatements",
    "DeletePreparedStatement",
    "UpdatePreparedStatement",
}
_ATHENA_CATALOG_NAMED = {
    "GetDataCatalog",
    "GetDatabase",
    "ListDatabases",
    "GetTableMetadata",
    "ListTableMetadata",
}


def athena_asks(
    action: str,
    body: Mapping[str, Any],
    account: str,
    region: str,
    *,
    workgroup_of: Callable[[str], str | None],
    named_query_workgroup: Callable[[str], str | None],
) -> list[Ask]:
    """Athena authorizes query and workgroup actions on the workgroup, catalog ones on the catalog.

    An execution id or named query id the endpoint does not know leaves the workgroup unknown:
    the request then goes on, to fail as AWS fails it (InvalidRequestException).
    """
    name = f"athena:{action}"
    if action in ("ListWorkGroups", "ListDataCatalogs", "ListEngineVersions"):
        return [Ask(name, ("*",))]
    if action in _ATHENA_CATALOG_NAMED:
        catalog = str(body.get("CatalogName") or body.get("Name") or "AwsDataCatalog")
        return [Ask(name, (f"arn:aws:athena:{region}:{account}:datacatalog/{catalog}",))]
    return [
        Ask(name, (f"arn:aws:athena:{region}:{account}:workgroup/{workgroup}",))
        for workgroup in _athena_workgroups(action, body, workgroup_of, named_query_workgroup)
        if workgroup is not None
    ]


def _athena_workgroups(
    action: str,
    body: Mapping[str, Any],
    workgroup_of: Callable[[str], str | None],
    named_query_workgroup: Callable[[str], str | None],
) -> list[str | None]:
    if action == "CreateWorkGroup":
        return [str(body.get("Name") or "")]
    if action in _ATHENA_WORKGROUP_PARAM:
        return [str(body.get("WorkGroup") or body.get("Name") or "primary")]
    if action in _ATHENA_EXECUTION_NAMED:
        return [workgroup_of(str(body.get("QueryExecutionId") or ""))]
    if action == "BatchGetQueryExecution":
        return [workgroup_of(str(qid)) for qid in body.get("QueryExecutionIds") or []]
    if action in ("GetNamedQuery", "DeleteNamedQuery"):
        return [named_query_workgroup(str(body.get("NamedQueryId") or ""))]
    if action == "BatchGetNamedQuery":
        return [named_query_workgroup(str(qid)) for qid in body.get("NamedQueryIds") or []]
    raise Unmapped(f"athena:{action}")


# -- SNS (query protocol) --------------------------------------------------------------------
_SNS_TOPIC_NAMED = {
    "DeleteTopic",
    "GetTopicAttributes",
    "SetTopicAttributes",
    "Subscribe",
    "ConfirmSubscription",
    "ListSubscriptionsByTopic",
    "AddPermission",
    "RemovePermission",
    "GetDataProtectionPolicy",
    "PutDataProtectionPolicy",
}
_SNS_SUBSCRIPTION_NAMED = {"Unsubscribe", "GetSubscriptionAttributes", "SetSubscriptionAttributes"}


def sns_asks(action: str, form: Mapping[str, Any], account: str, region: str) -> list[Ask]:
    """Topic actions on the topic; PublishBatch is authorized as sns:Publish, a subscription's
    actions on the topic its ARN extends."""
    name = f"sns:{action}"
    if action == "CreateTopic":
        return [Ask(name, (f"arn:aws:sns:{region}:{account}:{form.get('Name') or ''}",))]
    if action in ("Publish", "PublishBatch"):
        # every destination the request names: which one SNS (or moto) picks is not ours to guess
        named = [str(form[key]) for key in ("TopicArn", "TargetArn") if form.get(key)]
        named += ["*"] if form.get("PhoneNumber") else []
        if not named:
            raise Unmapped(f"sns:{action} naming no topic, target or phone number")
        return [Ask("sns:Publish", tuple(named))]
    if action in _SNS_TOPIC_NAMED:
        return [Ask(name, (str(form.get("TopicArn") or ""),))]
    if action in _SNS_SUBSCRIPTION_NAMED:
        return [Ask(name, (str(form.get("SubscriptionArn") or "").rpartition(":")[0],))]
    if action in ("ListTopics", "ListSubscriptions"):
        return [Ask(name, ("*",))]
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [Ask(name, (str(form.get("ResourceArn") or ""),))]
    raise Unmapped(name)


# -- SQS (JSON, or the query protocol of older clients) -----------------------------------------
_SQS_QUEUE_NAMED = {
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "SetQueueAttributes",
    "PurgeQueue",
    "DeleteQueue",
    "ListQueueTags",
    "TagQueue",
    "UntagQueue",
    "AddPermission",
    "RemovePermission",
    "ListDeadLetterSourceQueues",
}
# batch calls are authorized as the action they batch
_SQS_BATCHES = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def _queue_arn(queue_url: str, region: str) -> str:
    """A queue URL's ARN: the URL's path is /<account>/<name>, whatever its host."""
    parts = urlsplit(queue_url).path.strip("/").split("/")
    if len(parts) != 2 or not all(parts):
        raise Unmapped(f"an SQS request whose QueueUrl is not .../<account>/<name>: {queue_url!r}")
    return f"arn:aws:sqs:{region}:{parts[0]}:{parts[1]}"


def sqs_asks(action: str, body: Mapping[str, Any], account: str, region: str) -> list[Ask]:
    """Queue actions on the queue its URL (or, creating or finding one, its name) names."""
    iam_action = _SQS_BATCHES.get(action, action)
    name = f"sqs:{iam_action}"
    if iam_action in _SQS_QUEUE_NAMED:
        return [Ask(name, (_queue_arn(str(body.get("QueueUrl") or ""), region),))]
    if action in ("CreateQueue", "GetQueueUrl"):
        owner = str(body.get("QueueOwnerAWSAccountId") or account)
        return [Ask(name, (f"arn:aws:sqs:{region}:{owner}:{body.get('QueueName') or ''}",))]
    if action == "ListQueues":
        return [Ask(name, ("*",))]
    raise Unmapped(name)


# -- CloudWatch metrics and alarms (JSON, or the query protocol) -------------------------------
_CLOUDWATCH_ANY = {
    "GetMetricData",
    "GetMetricStatistics",
    "ListMetrics",
    "GetMetricWidgetImage",
    "DescribeAlarmsForMetric",
    "DescribeAlarms",
    "DescribeAlarmHistory",  # of every alarm, unless it names one
    "ListDashboards",
}
_CLOUDWATCH_ALARM_NAMED = {"PutMetricAlarm", "PutCompositeAlarm", "SetAlarmState"}
_CLOUDWATCH_ALARMS_NAMED = {"DeleteAlarms", "EnableAlarmActions", "DisableAlarmActions"}


def _names(body: Mapping[str, Any], key: str) -> list[str]:
    """A list parameter, from a JSON body's list or the query protocol's Key.member.N fields."""
    value = body.get(key)
    if isinstance(value, list):
        return [str(v) for v in value]
    prefix = f"{key}.member."
    numbered = [(k[len(prefix) :], v) for k, v in body.items() if k.startswith(prefix)]
    return [str(v) for _, v in sorted(numbered, key=lambda kv: int(kv[0]) if kv[0].isdigit() else 0)]


def _cloudwatch_resources(action: str, body: Mapping[str, Any], account: str, region: str) -> tuple[str, ...]:
    alarm = f"arn:aws:cloudwatch:{region}:{account}:alarm:"
    dashboard = f"arn:aws:cloudwatch::{account}:dashboard/"
    if action in _CLOUDWATCH_ALARM_NAMED or (action == "DescribeAlarmHistory" and body.get("AlarmName")):
        return (alarm + str(body.get("AlarmName") or ""),)
    if action in _CLOUDWATCH_ANY:
        return ("*",)
    if action in _CLOUDWATCH_ALARMS_NAMED:
        return tuple(alarm + n for n in _names(body, "AlarmNames")) or ("*",)
    if action in ("PutDashboard", "GetDashboard"):
        return (dashboard + str(body.get("DashboardName") or ""),)
    if action == "DeleteDashboards":
        return tuple(dashboard + n for n in _names(body, "DashboardNames")) or ("*",)
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return (str(body.get("ResourceARN") or ""),)
    raise Unmapped(f"cloudwatch:{action}")


def cloudwatch_asks(action: str, body: Mapping[str, Any], account: str, region: str) -> list[Ask]:
    """PutMetricData has no resource and carries its namespace as ``cloudwatch:namespace``, which
    is how a policy limits it; alarms and dashboards are authorized on their ARNs."""
    if action == "PutMetricData":
        return [
            Ask(f"cloudwatch:{action}", ("*",), {"cloudwatch:namespace": str(body.get("Namespace") or "")})
        ]
    return [Ask(f"cloudwatch:{action}", _cloudwatch_resources(action, body, account, region))]


# -- Budgets (JSON) -----------------------------------------------------------------------------
# AWS Budgets authorizes its API with two actions on the budget: one to change it, one to read it.
_BUDGETS_MODIFY = {
    "CreateBudget",
    "UpdateBudget",
    "DeleteBudget",
    "CreateNotification",
    "UpdateNotification",
    "DeleteNotification",
    "CreateSubscriber",
    "UpdateSubscriber",
    "DeleteSubscriber",
}
_BUDGETS_VIEW = {
    "DescribeBudget",
    "DescribeNotificationsForBudget",
    "DescribeSubscribersForNotification",
    "DescribeBudgetPerformanceHistory",
}


def budgets_asks(action: str, body: Mapping[str, Any], account: str) -> list[Ask]:
    """ModifyBudget or ViewBudget on the budget named; budgets are global, so the ARN has no region."""
    # the name the call acts on, read where the service reads it
    holder = {"CreateBudget": "Budget", "UpdateBudget": "NewBudget"}.get(action)
    inner = body.get(holder) if holder else body
    budget = inner.get("BudgetName") if isinstance(inner, dict) else None
    owner = body.get("AccountId") or account
    arn = f"arn:aws:budgets::{owner}:budget/{budget or ''}"
    if action in _BUDGETS_MODIFY:
        return [Ask("budgets:ModifyBudget", (arn,))]
    if action in _BUDGETS_VIEW:
        return [Ask("budgets:ViewBudget", (arn,))]
    if action == "DescribeBudgets":
        return [Ask("budgets:ViewBudget", ("*",))]
    if action in ("TagResource", "UntagResource", "ListTagsForResource"):
        return [Ask(f"budgets:{action}", (str(body.get("ResourceARN") or ""),))]
    raise Unmapped(f"budgets:{action}")


# -- STS and IAM, and the query protocol's SNS, SQS and CloudWatch ------------------------------
_NEEDS_NO_PERMISSION = {"GetCallerIdentity", "GetSessionToken", "DecodeAuthorizationMessage"}


def query_protocol_asks(
    service: str, form: Mapping[str, str], account: str, region: str = "us-east-1"
) -> list[Ask]:
    """The action is a form field; STS's GetCallerIdentity needs no permission at all."""
    action = form.get("Action", "")
    if service == "sns":
        return sns_asks(action, form, account, region)
    if service == "sqs":
        return sqs_asks(action, form, account, region)
    if service == "monitoring":
        return cloudwatch_asks(action, form, account, region)
    if service == "sts":
        if action in _NEEDS_NO_PERMISSION:
            return []
        if action == "AssumeRole":
            return [Ask("sts:AssumeRole", (form.get("RoleArn", ""),))]
        raise Unmapped(f"sts:{action}")
    if service == "iam":
        if "RoleName" in form:
            resource = f"arn:aws:iam::{account}:role/{form['RoleName']}"
        elif "PolicyArn" in form:
            resource = form["PolicyArn"]
        elif "UserName" in form:
            resource = f"arn:aws:iam::{account}:user/{form['UserName']}"
        else:
            resource = "*"
        return [Ask(f"iam:{action}", (resource,))]
    raise Unmapped(f"{service}:{action}")
