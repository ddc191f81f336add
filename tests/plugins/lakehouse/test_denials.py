"""A call AWS denies fails the task without retries; anything else keeps the task's retries."""

from __future__ import annotations

import pytest
from airflow.sdk.exceptions import AirflowFailException
from botocore.exceptions import ClientError

from lakehouse.denials import denials_fail_the_task


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"{code} said"}}, "StartCrawler")


def test_a_denied_call_fails_the_task_with_aws_words_and_says_it_is_not_retried() -> None:
    with (
        pytest.raises(
            AirflowFailException, match=r"AccessDeniedException\) when calling the StartCrawler.*not retried"
        ),
        denials_fail_the_task(),
    ):
        raise client_error("AccessDeniedException")


def test_a_throttled_call_is_left_to_the_tasks_retries() -> None:
    with pytest.raises(ClientError, match="ThrottlingException"), denials_fail_the_task():
        raise client_error("ThrottlingException")
