"""The principal a piece of work on the endpoint runs for, and the check every access makes.

A request sets it for its own handling; Athena carries it from the StartQueryExecution that
submitted a query into the worker that runs it, since Athena reads the catalog, the data and
writes the results with the caller's permissions; a crawl runs as its crawler's role. Work
started by no request (restoring the lake at start) has none and is not checked.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from .iam import Context, PolicyError, decide, denial_message
from .principals import Principal, policies_of

CURRENT: ContextVar[Principal | None] = ContextVar("local_aws_principal", default=None)

# (role, statement Sid, action) -> how many checks it allowed: which grants the work really used
_USED: Counter[tuple[str, str, str]] = Counter()
_USED_LOCK = threading.Lock()


class AccessDenied(Exception):
    """An action the acting principal's policies do not allow; the message is AWS's wording."""

    def __init__(self, message: str, action: str, resource: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.action = action
        self.resource = resource
        self.path = path  # the s3:// location the denied access was for, where that says more


@contextmanager
def acting_as(principal: Principal | None) -> Iterator[None]:
    token = CURRENT.set(principal)
    try:
        yield
    finally:
        CURRENT.reset(token)


def check(
    action: str, resources: Sequence[str], context: Context | None = None, *, path: str | None = None
) -> None:
    """Raise AccessDenied unless the acting principal may do `action` on every resource."""
    principal = CURRENT.get()
    if principal is None or principal.admin:
        return
    try:
        verdict = decide(policies_of(principal), action, resources, context)
    except PolicyError as err:  # refused, never passed: the endpoint cannot judge this policy
        message = (
            f"User: {principal.arn} is not authorized to perform: {action}: "
            f"the local endpoint cannot evaluate its policy ({err})"
        )
        raise AccessDenied(message, action, resources[0] if resources else "*", path) from err
    if verdict.allowed:
        with _USED_LOCK:
            _USED.update((str(principal.role_name), sid, action) for sid in verdict.granted_by)
    else:
        raise AccessDenied(denial_message(principal.arn, verdict), action, verdict.resource, path)


def grants_used() -> list[dict[str, object]]:
    """Every (role, statement, action) that allowed a check since the endpoint started, with how
    often: what a role's policy grants that no work needed shows by its absence."""
    with _USED_LOCK:
        return [
            {"role": role, "sid": sid, "action": action, "checks": count}
            for (role, sid, action), count in sorted(_USED.items())
        ]


def s3_object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def s3_bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def check_list(bucket: str, prefix: str) -> None:
    """s3:ListBucket as a listing under `prefix` asks it (the prefix is a condition key)."""
    context = {"s3:prefix": prefix} if prefix else {}
    check("s3:ListBucket", [s3_bucket_arn(bucket)], context, path=f"s3://{bucket}/{prefix}")


def check_read(bucket: str, key: str) -> None:
    check("s3:GetObject", [s3_object_arn(bucket, key)])


def check_read_object(uri: str) -> None:
    """s3:GetObject on an s3:// URI."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    check_read(bucket, key)


def glue_table_arns(account: str, region: str, database: str, table: str | None = None) -> list[str]:
    """What Glue authorizes a table action on: the catalog, the database and (if any) the table."""
    base = f"arn:aws:glue:{region}:{account}"
    arns = [f"{base}:catalog", f"{base}:database/{database}"]
    if table is not None:
        arns.append(f"{base}:table/{database}/{table}")
    return arns
