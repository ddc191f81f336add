"""The hooks the DAGs make name the operator that made them, as the provider's do, reading no
source: the provider finds it through inspect.stack(), which reads every frame's source lines."""

from __future__ import annotations

import inspect

import pytest
from airflow.providers.amazon.aws.hooks.base_aws import AwsGenericHook

from lakehouse.hooks.athena import BoundedAthenaHook
from lakehouse.hooks.aws import LakeAwsHook, LakeGlueCrawlerHook, LakeS3Hook

HOOKS = [LakeAwsHook, LakeS3Hook, LakeGlueCrawlerHook, BoundedAthenaHook]


class ExportOperator:
    """Stands for an operator: the provider looks for the most recent frame running `execute`."""

    def execute(self, hook: AwsGenericHook) -> tuple[str, str | None]:
        return hook._get_caller(), AwsGenericHook._find_operator_class_name("execute")


def _make(hook_class: type[AwsGenericHook]) -> AwsGenericHook:
    return hook_class(aws_conn_id=None, client_type="s3") if hook_class is LakeAwsHook else hook_class()


@pytest.mark.parametrize("hook_class", HOOKS)
def test_each_hook_names_the_operator_running_execute_as_the_provider_does(
    hook_class: type[AwsGenericHook],
) -> None:
    ours, providers = ExportOperator().execute(_make(hook_class))
    assert ours == providers == "ExportOperator"


@pytest.mark.parametrize("hook_class", HOOKS)
def test_the_user_agent_names_its_caller_without_reading_the_stacks_source(
    hook_class: type[AwsGenericHook], monkeypatch: pytest.MonkeyPatch
) -> None:
    hook = _make(hook_class)

    def no_stack(*args: object, **kwargs: object) -> None:
        raise AssertionError("inspect.stack() reads the source of every frame")

    monkeypatch.setattr(inspect, "stack", no_stack)

    class Publisher:
        def execute(self) -> str:
            return hook._generate_user_agent_extra_field("")

    assert "Caller/Publisher " in Publisher().execute()


def test_outside_any_operator_the_caller_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AwsGenericHook, "_find_executor_class_name", staticmethod(lambda: None))
    assert LakeAwsHook(aws_conn_id=None, client_type="s3")._get_caller() == "Unknown"
