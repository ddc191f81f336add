"""Waiting on an Athena query with a plain boto3 client: bounded by time, cancelling what it gives up on.

The provider's AthenaHook counts polls (120 unless told) at a fixed interval,
so its limit is the interval times the count whatever the query; when the
count runs out it returns the intermediate state and leaves the query
running, and billing, on Athena. This wait ends at a time limit sized for the
largest query the caller can meet, polls quickly at first and less often as
the query goes on, and when the limit passes it stops the query and raises
an error naming the query, its last state, how long it ran and the limit.
It needs only a boto3 client, so tasks (through BoundedAthenaHook) and local
tools (the demo, tests) wait the same way without importing Airflow.
"""

from __future__ import annotations

from typing import Any

from lakehouse.polling import Backoff, WaitTimedOut, poll

TERMINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
# Athena itself cancels a DML query after its account's DML timeout, which can be raised to 240 minutes.
ATHENA_MAX_QUERY_SECONDS = 240 * 60
# quick first looks for the short planning and audit queries; at most one call every 5 s for long ones
ATHENA_BACKOFF = Backoff(first=0.1, factor=1.5, ceiling=5.0)


class AthenaQueryTimedOut(TimeoutError):
    """A query outlived its wait and was asked to stop; the message says which, how far it got, and why."""

    def __init__(
        self, query_id: str, state: str, elapsed: float, limit: float, cancel_error: str | None
    ) -> None:
        outcome = f"cancelling it failed: {cancel_error}" if cancel_error else "it was cancelled"
        super().__init__(
            f"Athena query {query_id} was still {state} after {elapsed:.1f} s, past its limit of"
            f" {limit:g} s; {outcome}"
        )
        self.query_id = query_id
        self.state = state
        self.elapsed = elapsed
        self.limit = limit


class AthenaQueryFailed(RuntimeError):
    """An Athena statement ended FAILED or CANCELLED; the first line names it and carries Athena's reason."""


def succeeded(execution: dict[str, Any], sql: str) -> dict[str, Any]:
    """`execution` when its query SUCCEEDED; otherwise AthenaQueryFailed naming it, with the SQL below."""
    state = execution["Status"]["State"]
    if state != "SUCCEEDED":
        query_id = execution["QueryExecutionId"]
        raise AthenaQueryFailed(f"Athena query {query_id} {state}: {failure_reason(execution)}\n{sql}")
    return execution


def failure_reason(execution: dict[str, Any]) -> str:
    """Why a finished query did not succeed, as Athena tells it; never None."""
    status = execution["Status"]
    return (
        status.get("AthenaError", {}).get("ErrorMessage")
        or status.get("StateChangeReason")
        or f"Athena gave no reason for {status['State']}"
    )


def _finished(execution: dict[str, Any]) -> bool:
    return execution["Status"]["State"] in TERMINAL_STATES


def wait_for_query(
    client: Any, query_id: str, limit_s: float, backoff: Backoff = ATHENA_BACKOFF
) -> dict[str, Any]:
    """The query's execution once it is SUCCEEDED, FAILED or CANCELLED; stop it and raise past `limit_s`.

    `client` is a boto3 Athena client, so the same wait serves tasks (through
    the hook's connection) and local tools (a plain client).
    """

    def check() -> dict[str, Any]:
        return client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]

    try:
        return poll(check, _finished, limit_s, backoff=backoff)
    except WaitTimedOut as waited:
        cancel_error = None
        try:
            client.stop_query_execution(QueryExecutionId=query_id)
        except Exception as error:  # the timeout is the failure to report; say the cancel failed too
            cancel_error = f"{type(error).__name__}: {error}"
        state = waited.last["Status"]["State"]  # type: ignore[index]
        raise AthenaQueryTimedOut(query_id, state, waited.elapsed, limit_s, cancel_error) from None
