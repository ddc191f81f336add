"""The provider's AWS hooks, naming their caller without reading the source of every frame.

The Amazon provider puts the operator that made a client in the client's user agent
(`Caller/<class>`), and finds it with inspect.stack(), which reads and tokenizes the source
lines of every frame on the stack, for each client a task makes, on MWAA's workers as here:
a cost every short task pays for a label. CallerFromFrames finds the same class by
walking the frames (the most recent one running `execute`, as the provider looks for), reading
no source. Every hook the DAGs make is one of these, or BoundedAthenaHook, which mixes it in.
"""

from __future__ import annotations

import sys

from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook
from airflow.providers.amazon.aws.hooks.glue_crawler import GlueCrawlerHook
from airflow.providers.amazon.aws.hooks.s3 import S3Hook


class CallerFromFrames:
    """Mixed into an AWS hook: the provider's `_find_operator_class_name`, without inspect.stack()."""

    @staticmethod
    def _find_operator_class_name(target_function_name: str) -> str | None:
        """The class of `self` in the most recent frame running `target_function_name`; None when
        no frame runs it. Like the provider's, a frame without `self` raises (KeyError), which
        its caller turns into "Unknown"."""
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name == target_function_name:
                return frame.f_locals["self"].__class__.__name__
            frame = frame.f_back
        return None


class LakeAwsHook(CallerFromFrames, AwsBaseHook):
    """AwsBaseHook (a client of any service)."""


class LakeS3Hook(CallerFromFrames, S3Hook):
    """S3Hook."""


class LakeGlueCrawlerHook(CallerFromFrames, GlueCrawlerHook):
    """GlueCrawlerHook."""
