"""An Athena statement the role may not start fails the task at once, with Athena's refusal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from airflow.sdk.exceptions import AirflowFailException
from aws_helpers import Lake

from lakehouse.operators.athena import BoundedAthenaOperator


def test_a_workgroup_the_role_may_not_use_fails_the_task_without_retries(
    lake: Lake, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = {"Effect": "Allow", "Action": "s3:*", "Resource": f"arn:aws:s3:::{lake.bucket}/*"}
    monkeypatch.setenv("AIRFLOW_CONN_DENIED_AWS", json.dumps(lake.role_connection([results])))
    task = BoundedAthenaOperator(
        task_id="stage_create",
        query="SELECT 1",
        database=lake.database,
        output_location=lake.output,
        aws_conn_id="denied_aws",
        query_timeout=timedelta(minutes=1),
        retries=2,
    )

    with pytest.raises(AirflowFailException) as failed:
        task.execute({})

    assert "AccessDeniedException" in str(failed.value)
    assert (
        "athena:StartQueryExecution on resource: arn:aws:athena:us-east-1:123456789012:workgroup/primary"
        in str(failed.value)
    )
