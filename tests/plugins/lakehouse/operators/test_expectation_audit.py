"""ExpectationSuiteAuditOperator is built as the provider's AWS operators are."""

from __future__ import annotations

from datetime import timedelta

from lakehouse.hooks.athena import BoundedAthenaHook
from lakehouse.operators.expectation_audit import ExpectationSuiteAuditOperator


def test_the_audit_templates_its_aws_settings_and_waits_through_the_bounded_hook() -> None:
    audit = ExpectationSuiteAuditOperator(
        task_id="audit",
        layer="silver",
        dataset="orders",
        query_timeout=timedelta(minutes=5),
        aws_conn_id="aws_default",
        region_name="eu-west-1",
    )
    assert {"aws_conn_id", "region_name", "verify", "day"} <= set(audit.template_fields)
    assert isinstance(audit.hook, BoundedAthenaHook)
    assert audit.hook.query_timeout_s == 300
    assert audit.hook.region_name == "eu-west-1"
    assert audit.layer_datasets == ["orders"]
