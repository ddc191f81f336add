"""AWS refusing a call for want of a permission fails the task at once, without its retries.

A task's retries are for what time heals: throttling, a busy crawler, a connection dropped. An
AccessDenied is the role's policy speaking; it answers the same in two minutes and in six, so
retrying only delays the page by the whole backoff. The task fails with the refusal's words, and
once the role is fixed (terraform apply) clearing the task reruns it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

# the codes AWS answers a missing permission or an unusable credential with
DENIAL_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
    }
)


@contextmanager
def denials_fail_the_task() -> Iterator[None]:
    """Turn a denied AWS call raised inside the block into AirflowFailException (no retries)."""
    from airflow.sdk.exceptions import AirflowFailException
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code not in DENIAL_CODES:
            raise
        raise AirflowFailException(
            f"{error} (a permission the role lacks: not retried, as only a policy change can fix it)"
        ) from error
