"""BoundedAthenaHook against the local endpoint over HTTP: waits end by time, cancel, and name the query.

A query is kept waiting by Athena's queue, not by work: the local endpoint holds the
SELECTs of a workgroup tagged `local:select-queue-seconds` in QUEUED for that long.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from aws_helpers import Lake

from lakehouse.athena_wait import AthenaQueryTimedOut, wait_for_query
from lakehouse.hooks.athena import BoundedAthenaHook
from lakehouse.wap.athena import AthenaQueryFailed, AthenaRunner


@pytest.fixture
def queued_workgroup(lake: Lake) -> Iterator[str]:
    """A workgroup whose SELECTs Athena keeps queued for 5 seconds."""
    name = lake.queued_workgroup(5)
    yield name
    lake.athena.delete_work_group(WorkGroup=name, RecursiveDeleteOption=True)


def hook(limit_s: float) -> BoundedAthenaHook:
    return BoundedAthenaHook(aws_conn_id="aws_default", log_query=False, query_timeout_s=limit_s)


def test_a_query_that_outlives_its_limit_is_cancelled_and_the_error_names_it(
    lake: Lake, queued_workgroup: str
) -> None:
    query_id = lake.start("SELECT 1", WorkGroup=queued_workgroup)
    with pytest.raises(AthenaQueryTimedOut) as raised:
        wait_for_query(lake.athena, query_id, 0.5)
    message = str(raised.value)
    assert message.startswith(f"Athena query {query_id} was still QUEUED after ")
    assert "past its limit of 0.5 s; it was cancelled" in message
    assert 0.5 <= raised.value.elapsed < 5
    status = lake.athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Status"]
    assert status["State"] == "CANCELLED"


def test_a_query_longer_than_the_providers_poll_count_succeeds_within_its_time_limit(
    lake: Lake, queued_workgroup: str
) -> None:
    # the provider's wait gives up after a count of polls, however long they took, and leaves
    # the query queued (a few quick polls here; 120 of 0.2 s was the 24 s the pipeline met)
    query_id = lake.start("SELECT 42", WorkGroup=queued_workgroup)
    from airflow.providers.amazon.aws.hooks.athena import AthenaHook

    provider = AthenaHook(aws_conn_id="aws_default")
    assert provider.poll_query_status(query_id, max_polling_attempts=3, sleep_time=0.01) == "QUEUED"
    # the bounded wait keeps going until the query finishes, well inside its limit
    assert hook(30).poll_query_status(query_id) == "SUCCEEDED"


def test_a_runner_whose_query_fails_raises_athenas_reason_with_the_query_id(lake: Lake) -> None:
    runner = AthenaRunner(hook(30), lake.output, "primary")
    with pytest.raises(AthenaQueryFailed) as raised:
        runner.rows("SELECT * FROM no_such_table", lake.database)
    first_line = str(raised.value).splitlines()[0]
    assert " FAILED: " in first_line and "no_such_table" in first_line
    assert "None" not in first_line


def test_a_runner_query_past_its_limit_is_cancelled(lake: Lake, queued_workgroup: str) -> None:
    runner = AthenaRunner(hook(0.5), lake.output, queued_workgroup)
    with pytest.raises(AthenaQueryTimedOut) as raised:
        runner.rows("SELECT 1", lake.database)
    status = lake.athena.get_query_execution(QueryExecutionId=raised.value.query_id)["QueryExecution"][
        "Status"
    ]
    assert status["State"] == "CANCELLED"


def test_the_operator_waits_through_the_bounded_hook_with_its_time_limit() -> None:
    from lakehouse.operators.athena import BoundedAthenaOperator

    operator = BoundedAthenaOperator(
        task_id="stage",
        query="SELECT 1",
        database="db",
        output_location="s3://b/",
        query_timeout=timedelta(minutes=3),
    )
    assert isinstance(operator.hook, BoundedAthenaHook)
    assert operator.hook.query_timeout_s == 180
    assert operator.deferrable is False
