"""LakeLeaseSensor: wait until this run holds the lake's lease (lakehouse.lease), rescheduled in between."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator

if TYPE_CHECKING:
    from airflow.sdk import Context


class LakeLeaseSensor(BaseSensorOperator):
    """Succeed once this DAG run holds the lease named `lease` in `bucket`; log who holds it meanwhile.

    Why a sensor of our own: the provider's S3 sensors wait for a key to appear,
    not for the right to write one; taking the lease is a conditional put that
    must happen in the same poke that finds it free. Run it in "reschedule"
    mode: a run waiting its turn holds no worker slot.

    :param bucket: the lake bucket. (templated)
    :param lease: the lease's name: every run that writes the same datasets uses the same one.
    :param ttl: how long the lease lasts at most (the DAG's run timeout): a run that died
        holding it frees the lake then.
    :param aws_conn_id: the AWS connection. (templated)
    """

    template_fields = ("bucket", "aws_conn_id")
    ui_color = "#f9e79f"

    def __init__(
        self, *, bucket: str, lease: str, ttl: timedelta, aws_conn_id: str = "aws_default", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.bucket = bucket
        self.lease = lease
        self.ttl = ttl
        self.aws_conn_id = aws_conn_id

    def poke(self, context: Context) -> bool:
        from lakehouse.denials import denials_fail_the_task

        with denials_fail_the_task():  # a role that may not write the lease waits for nothing
            return self._poke(context)

    def _poke(self, context: Context) -> bool:
        from airflow.configuration import conf

        from lakehouse.hooks.aws import LakeS3Hook
        from lakehouse.lease import Holder, try_acquire

        ti = context["ti"]

        def gone(holder: Holder) -> bool:
            """The holding run is not active in this Airflow (deleted, or ended without its release)."""
            active = ["queued", "running"]
            return ti.get_dr_count(dag_id=holder.dag_id, run_ids=[holder.run_id], states=active) == 0

        s3 = LakeS3Hook(aws_conn_id=self.aws_conn_id).get_conn()
        attempt = try_acquire(
            s3,
            self.bucket,
            self.lease,
            dag_id=self.dag_id,
            run_id=context["run_id"],
            ttl=self.ttl,
            instance=conf.get("api", "base_url", fallback=""),
            gone=gone,
        )
        if attempt.took_over is not None:
            self.log.warning("took over a lease its holder left behind: %s", attempt.took_over.describe())
        if attempt.acquired:
            self.log.info("this run holds the lake until %s at most", attempt.holder.expires_at)
        else:
            self.log.info(
                "the lake is being written by %s; this run waits its turn", attempt.holder.describe()
            )
        return attempt.acquired
