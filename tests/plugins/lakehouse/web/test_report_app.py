"""The report page answers within its own Athena limit, naming the query it gave up on.

It is read through the api-server's app as the admin (conftest.py): the page
requires the UI's login (test_auth.py).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from local.aws.athena_api import SELECT_QUEUE_TAG


def test_a_gold_query_past_the_report_limit_is_cancelled_and_named_on_the_page(
    endpoint_url: str, monkeypatch: pytest.MonkeyPatch, api_server: Any, admin_token: str
) -> None:
    import boto3

    import lakehouse.config
    from lakehouse.config import AthenaLimits
    from local.aws.bootstrap import bootstrap_aws

    bootstrap_aws(endpoint_url)
    config = lakehouse.config.pipeline_config()
    quick = config.model_copy(update={"athena": AthenaLimits(report_timeout_seconds=1)})
    monkeypatch.setattr(lakehouse.config, "pipeline_config", lambda: quick)
    athena = boto3.client("athena", endpoint_url=endpoint_url)
    arn = f"arn:aws:athena:us-east-1:123456789012:workgroup/{config.lake.workgroup}"
    athena.tag_resource(ResourceARN=arn, Tags=[{"Key": SELECT_QUEUE_TAG, "Value": "30"}])
    try:
        started = time.monotonic()
        page = api_server.get("/lakehouse/report", headers={"Authorization": f"Bearer {admin_token}"})
        seconds = time.monotonic() - started
    finally:
        athena.untag_resource(ResourceARN=arn, TagKeys=[SELECT_QUEUE_TAG])

    assert page.status_code == 200
    gold = [dataset.name for dataset in config.gold]
    notes = [line for line in page.text.split("<h2>") if line.startswith("gold.")]
    assert [note.split("</h2>")[0] for note in notes] == [f"gold.{name}" for name in gold]
    for note in notes:
        assert "not available: Athena query " in note, note
        assert "was still QUEUED after" in note and "past its limit of 1 s; it was cancelled" in note
    assert seconds < len(gold) * 30, "each table's query was given up at the page's limit, not Athena's queue"
