"""The endpoint's front door: who is calling, and whether their policies allow the call.

Every request names its caller by the access key of its signature (principals.py). The
account's administrator passes; a role session's request is mapped to the IAM actions and
resources it needs (request_actions.py) and each is decided against the role's policies
(iam.py). A refusal is worded and shaped as the service's own: S3's 403 XML, the JSON
services' AccessDeniedException, the query protocol's ErrorResponse. What the request goes on
to do inside the endpoint (Athena's reads and writes, a crawl) is checked again there, as the
same caller or as the service's role (access.py).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from moto.moto_server.werkzeug_app import SIGNING_ALIASES

from .access import AccessDenied, acting_as, check
from .iam_render import LOCAL_ACCOUNT_ID
from .principals import Principal, UnknownAccessKey, resolve
from .request_actions import (
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

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class Refusal:
    status: str
    headers: list[tuple[str, str]]
    body: bytes

    def respond(self, start_response: Any) -> list[bytes]:
        start_response(self.status, [*self.headers, ("Content-Length", str(len(self.body)))])
        return [self.body]


def signature_scope(environ: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(access key, region, service) of a SigV4 signature, read exactly as moto reads it to route
    the request, so that the service judged here is the service that serves it.

    A presigned URL (no Authorization header) is routed by moto from its path, to S3: its
    credential counts only when it was signed for S3.
    """
    auth = str(environ.get("HTTP_AUTHORIZATION", ""))
    if auth:
        try:
            credential = auth.split(",", maxsplit=1)[0].split()[1]
        except IndexError:
            return None, None, None
    else:
        query = parse_qs(str(environ.get("QUERY_STRING", "")))
        credential = (query.get("X-Amz-Credential") or [""])[0]
    try:
        access_key, _date, region, service, _ = credential.split("/")
    except ValueError:
        return None, None, None
    service = SIGNING_ALIASES.get(service.lower(), service).lower()
    if not auth and service != "s3":
        return None, None, None
    return access_key.removeprefix("Credential="), region, service


def request_body(environ: dict[str, Any]) -> bytes:
    """The request body, put back for whoever reads it next."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    return raw


# X-Amz-Target prefixes of the JSON services, by the service (signing name) moto routes them to
_JSON_TARGETS = {
    "glue": "AWSGlue",
    "athena": "AmazonAthena",
    "sqs": "AmazonSQS",
    "monitoring": "GraniteServiceVersion20100801",  # CloudWatch
    "budgets": "AWSBudgetServiceGateway",
}
_QUERY_SERVICES = ("sts", "iam", "sns")
# services that speak JSON to current SDKs and the query protocol (no target) to older ones
_JSON_OR_QUERY = ("sqs", "monitoring")
# JSON services that AWS made query-compatible: SDKs read the error code from a header
_QUERY_COMPATIBLE = ("sqs", "monitoring")


def _protocol(environ: dict[str, Any], service: str | None) -> str:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if service in _QUERY_SERVICES or (service in _JSON_OR_QUERY and not target):
        return "query"
    if service in _JSON_TARGETS or (service != "s3" and target):
        return "json"
    return "s3"


def _target_mismatch(environ: dict[str, Any], service: str | None) -> bool:
    """A target naming another service than the signature: the endpoint dispatches on the one
    and moto on the other, so no verdict on either would hold for what runs."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    expected = _JSON_TARGETS.get(service or "")
    if expected is None:
        return bool(target)
    if not target and service in _JSON_OR_QUERY:
        return False
    return target.partition(".")[0] != expected


# not AWS APIs: moto's own pages and the instance metadata it imitates
_ENDPOINT_PATHS = ("/moto-api", "/latest/", "/favicon.ico")
HEALTH_PATH = "/moto-api/"


def _refusal(
    protocol: str, code: str, message: str, environ: dict[str, Any], service: str | None = None
) -> Refusal:
    if protocol == "json":
        headers = [("Content-Type", JSON_CONTENT_TYPE)]
        if service in _QUERY_COMPATIBLE and code == "AccessDeniedException":
            # as SQS and CloudWatch answer: the query protocol's code, for SDKs to report
            code = "com.amazon.coral.service#AccessDeniedException"
            headers.append(("x-amzn-query-error", "AccessDenied;Sender"))
        body = json.dumps({"__type": code, "Message": message, "message": message}).encode()
        return Refusal("400 Bad Request", headers, body)
    if protocol == "query":
        xml = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            "</Error><RequestId>local</RequestId></ErrorResponse>"
        )
        return Refusal("403 Forbidden", [("Content-Type", "text/xml")], xml.encode())
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        "<RequestId>local</RequestId><HostId>local</HostId></Error>"
    )
    body = b"" if environ.get("REQUEST_METHOD", "").upper() == "HEAD" else xml.encode()
    return Refusal("403 Forbidden", [("Content-Type", "application/xml")], body)


_UNKNOWN_KEY = {
    "s3": ("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
    "json": ("UnrecognizedClientException", "The security token included in the request is invalid."),
    "query": ("InvalidClientTokenId", "The security token included in the request is invalid."),
}
_DENIED_CODE = {"s3": "AccessDenied", "json": "AccessDeniedException", "query": "AccessDenied"}
# SNS calls a refusal an AuthorizationError, and names the action SNS:Publish in it
_SNS_DENIED_CODE = "AuthorizationError"
_SNS_ACTION = re.compile(r"\bsns:(?=[A-Z])")


def _denied_code(protocol: str, service: str | None) -> str:
    return _SNS_DENIED_CODE if service == "sns" else _DENIED_CODE[protocol]


class Gate:
    """Admits a request as its caller, or refuses it as AWS would."""

    def __init__(
        self,
        s3_location: Callable[[dict[str, Any]], tuple[str, str]],
        workgroup_of: Callable[[str], str | None],
        named_query_workgroup: Callable[[str], str | None],
    ) -> None:
        self._s3_location = s3_location  # (bucket, key) as moto reads them from the request
        self._workgroup_of = workgroup_of
        self._named_query_workgroup = named_query_workgroup

    def admit(self, environ: dict[str, Any]) -> tuple[Principal | None, Refusal | None]:
        access_key, region, service = signature_scope(environ)
        protocol = _protocol(environ, service)
        path = str(environ.get("PATH_INFO", ""))
        if access_key is None:
            if path == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
                return None, None  # the endpoint's status page: what `make up` polls
            return None, _refusal(
                protocol, _DENIED_CODE[protocol], "Anonymous access is not allowed", environ
            )
        try:
            principal = resolve(access_key)
        except UnknownAccessKey:
            return None, _refusal(protocol, *_UNKNOWN_KEY[protocol], environ)
        if path.startswith(_ENDPOINT_PATHS) and not principal.admin:
            message = f"User: {principal.arn} is not authorized to use the endpoint's own API at {path}"
            return principal, _refusal(protocol, _DENIED_CODE[protocol], message, environ)
        if _target_mismatch(environ, service):
            target = environ.get("HTTP_X_AMZ_TARGET", "")
            message = f"The request is signed for {service} but names the operation {target!r}"
            return principal, _refusal(protocol, "InvalidSignatureException", message, environ)
        return principal, None if principal.admin else self._judge(
            principal, environ, protocol, region, service
        )

    def _judge(
        self,
        principal: Principal,
        environ: dict[str, Any],
        protocol: str,
        region: str | None,
        service: str | None,
    ) -> Refusal | None:
        try:
            asks = self._asks(environ, protocol, service or "", region or "us-east-1")
            context = _global_context(principal, region or "us-east-1")
            with acting_as(principal):
                for ask in asks:
                    check(ask.action, ask.resources, {**context, **ask.context})
        except AccessDenied as err:
            message = _SNS_ACTION.sub("SNS:", err.message) if service == "sns" else err.message
            return _refusal(protocol, _denied_code(protocol, service), message, environ, service)
        except Unmapped as err:
            message = (
                f"User: {principal.arn} is not authorized to perform: {err} on the local endpoint, "
                "which cannot tell what IAM permission it needs and so refuses it"
            )
            return _refusal(protocol, _denied_code(protocol, service), message, environ, service)
        return None

    def _asks(self, environ: dict[str, Any], protocol: str, service: str, region: str) -> list[Ask]:
        if protocol == "json":
            return self._json_asks(environ, region)
        if protocol == "query":
            query = parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
            body = parse_qs(request_body(environ).decode("utf-8", "replace"), keep_blank_values=True)
            form = {k: v[0] for k, v in {**query, **body}.items()}  # the body's wins, as in moto
            return query_protocol_asks(service, form, LOCAL_ACCOUNT_ID, region)
        bucket, key = self._s3_location(environ)
        headers = {
            name[5:].replace("_", "-").lower(): str(value)
            for name, value in environ.items()
            if name.startswith("HTTP_")
        }
        return s3_asks(
            S3Request(
                method=str(environ.get("REQUEST_METHOD", "GET")),
                bucket=bucket,
                key=key,
                query=str(environ.get("QUERY_STRING", "")),
                headers=headers,
                body=lambda: request_body(environ),
            )
        )

    def _json_asks(self, environ: dict[str, Any], region: str) -> list[Ask]:
        target, _, action = str(environ["HTTP_X_AMZ_TARGET"]).partition(".")
        try:
            body = json.loads(request_body(environ) or b"{}")
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        if target == "AWSGlue":
            return glue_asks(action, body, LOCAL_ACCOUNT_ID, region)
        if target == "AmazonAthena":
            return athena_asks(
                action,
                body,
                LOCAL_ACCOUNT_ID,
                region,
                workgroup_of=self._workgroup_of,
                named_query_workgroup=self._named_query_workgroup,
            )
        if target == "AmazonSQS":
            return sqs_asks(action, body, LOCAL_ACCOUNT_ID, region)
        if target == "GraniteServiceVersion20100801":
            return cloudwatch_asks(action, body, LOCAL_ACCOUNT_ID, region)
        if target == "AWSBudgetServiceGateway":
            return budgets_asks(action, body, LOCAL_ACCOUNT_ID)
        raise Unmapped(f"{target}.{action}")


def _global_context(principal: Principal, region: str) -> dict[str, str]:
    role_arn = f"arn:aws:iam::{principal.account}:role/{principal.role_name}"
    return {
        "aws:PrincipalArn": role_arn if principal.role_name else principal.arn,
        "aws:PrincipalAccount": principal.account,
        "aws:PrincipalType": "AssumedRole" if principal.role_name else "Account",
        "aws:RequestedRegion": region,
    }
