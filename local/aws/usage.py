"""What the endpoint served, counted the way AWS bills it: for the README's cost of a day.

AWS bills S3 by request class, not by API: PUT, COPY, POST and LIST requests at one rate, GET,
HEAD and the rest at a tenth of it, DELETE free. The Glue Data Catalog bills its requests, SNS
its publishes and CloudWatch its PutMetricData calls. Counting them at the front door, for
every caller the gate admitted, gives the same figures a bill would show for the work the
local stack did, so a day's cost is computed from what a run really asked for rather than
from an estimate of how many requests it probably makes.

Athena is billed by the bytes each query scans, which its own executions report
(DataScannedInBytes); it is not counted here.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

# S3's request classes as its pricing page names them.
S3_WRITE_OR_LIST = "s3:put-copy-post-list"
S3_READ = "s3:get-and-other"
S3_FREE = "s3:delete"
GLUE_REQUEST = "glue:request"
GLUE_CRAWL = "glue:crawl"  # a StartCrawler that was admitted (the crawl itself bills by DPU time)
SNS_PUBLISH = "sns:publish"
CLOUDWATCH_PUT = "cloudwatch:put-metric-data"

_LOCK = threading.Lock()
_COUNTS: Counter[str] = Counter()

# A bucket-level GET with one of these subresources is an "other" request, not a LIST.
_BUCKET_SUBRESOURCES = ("location", "versioning", "policy", "acl", "tagging", "encryption", "lifecycle")


def s3_request_class(method: str, key: str, query: str) -> str:
    """The S3 price class of one request (method, object key, query string)."""
    if method == "DELETE":
        return S3_FREE
    if method in ("PUT", "POST"):
        return S3_WRITE_OR_LIST
    if method == "GET" and not key:
        params = {part.partition("=")[0] for part in query.split("&") if part}
        if not params & set(_BUCKET_SUBRESOURCES):
            return S3_WRITE_OR_LIST  # ListObjects(V2), ListMultipartUploads, ListObjectVersions
    return S3_READ


def record(environ: dict[str, Any], signed_service: str | None, key: str) -> None:
    """Count one admitted request by its price class (requests AWS does not bill are not counted).

    `signed_service` is the service the signature names (what moto routes by), `key` the S3
    object key the request names ('' for a bucket-level request).
    """
    target, _, action = str(environ.get("HTTP_X_AMZ_TARGET", "")).partition(".")
    if signed_service == "s3" and not target:
        method = str(environ.get("REQUEST_METHOD", "GET"))
        kind = s3_request_class(method, key, str(environ.get("QUERY_STRING", "")))
    elif target == "AWSGlue" and action == "StartCrawler":
        kind = GLUE_CRAWL
    elif target == "AWSGlue":
        kind = GLUE_REQUEST
    elif signed_service == "monitoring" and (action or _query_action(environ)) == "PutMetricData":
        kind = CLOUDWATCH_PUT
    elif signed_service == "sns" and _query_action(environ) == "Publish":
        kind = SNS_PUBLISH
    else:
        return
    with _LOCK:
        _COUNTS[kind] += 1


def _query_action(environ: dict[str, Any]) -> str:
    """The Action of a query-protocol request (SNS, CloudWatch's older SDKs): a form field."""
    from urllib.parse import parse_qs

    from .gate import request_body

    form = parse_qs(str(environ.get("QUERY_STRING", "")))
    form.update(parse_qs(request_body(environ).decode("utf-8", "replace")))
    return (form.get("Action") or [""])[0]


def counts() -> dict[str, int]:
    """Every counted request class since the endpoint started."""
    with _LOCK:
        return dict(_COUNTS)
