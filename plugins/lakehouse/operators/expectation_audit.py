"""ExpectationSuiteAuditOperator: the audit of write-audit-publish, a Great Expectations gate.

Why not the provider's GXValidateDataFrameOperator (airflow-provider-great-expectations
1.0.0): its module imports great_expectations at the top (seconds, at every DAG
parse) and it calls its DataFrame callable in __init__, i.e. at parse time, where
the staged data does not exist yet; it has no template_fields, so it cannot
follow the run's day; it fails on any failed expectation, warnings included;
and it keeps no report. This operator validates the staged data of the run
(read from Athena after the stage step), gates on severity, and writes the
JSON result and Data Docs to s3://<lake>/reports/<dag_id>/<dataset>/<date>/<run_id>/.
It is an AwsBaseOperator, as the Amazon provider's operators are: the AWS
connection, region and TLS verification are templated fields, botocore
settings pass through, and its hook is BoundedAthenaHook, so its queries wait
as the DAG's Athena statements do.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from airflow.providers.amazon.aws.operators.base_aws import AwsBaseOperator
from airflow.providers.amazon.aws.utils.mixins import aws_template_fields

from lakehouse import names
from lakehouse.hooks.athena import BoundedAthenaHook
from lakehouse.names import BUSINESS_DAY_TEMPLATE
from lakehouse.quality.suite import load_suite

# the hook parameters every AWS client of the operator shares
AWS_SETTINGS = ("aws_conn_id", "region_name", "verify", "config")

if TYPE_CHECKING:
    from airflow.sdk import Context

    from lakehouse.config import PipelineConfig
    from lakehouse.quality.batch import AuditScope
    from lakehouse.quality.gate import VolumeBaseline
    from lakehouse.wap.athena import AthenaRunner


class ExpectationSuiteAuditOperator(AwsBaseOperator[BoundedAthenaHook]):
    """Validate one staged dataset against include/sql/<layer>/<dataset>.suite.yaml.

    :param layer: silver or gold.
    :param dataset: the dataset's name in that layer.
    :param layer_datasets: the datasets of the same layer whose staged data this
        audit may read through its lookups (their plans are pulled from XCom).
    :param reads_staged: datasets of another layer ("silver.orders") whose staged data its
        lookups read in place of their published rows: gold is audited before silver publishes.
    :param day: the run's business day (templated).
    :param query_timeout: the longest each of its Athena queries may take, queueing included.
    :param plan: the staged plan to audit (StagePlan.to_xcom()), for a DAG that stages otherwise
        than with the daily DAG's `plan` tasks (lakehouse_rollback); None: pulled from this run's
        `plan` task of the dataset, as are those of `layer_datasets`.
    """

    aws_hook_class = BoundedAthenaHook
    template_fields: Sequence[str] = aws_template_fields("day")
    ui_color = "#f4d03f"

    def __init__(
        self,
        *,
        layer: str,
        dataset: str,
        query_timeout: timedelta,
        layer_datasets: Sequence[str] = (),
        reads_staged: Sequence[str] = (),
        day: str = BUSINESS_DAY_TEMPLATE,
        plan: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        load_suite(layer, dataset)  # a malformed suite fails the DAG import, naming file and key
        self.layer = layer
        self.dataset = dataset
        self.query_timeout = query_timeout
        self.layer_datasets = list(dict.fromkeys([dataset, *layer_datasets]))
        self.reads_staged = [names.dataset_parts(dataset) for dataset in reads_staged]
        self.day = day
        self.plan = plan

    @property
    def _hook_parameters(self) -> dict[str, Any]:
        return {
            **super()._hook_parameters,
            "log_query": False,
            "query_timeout_s": self.query_timeout.total_seconds(),
        }

    def _client(self, service: str) -> Any:
        """A client for another service on the same connection, region and settings as the hook."""
        from lakehouse.hooks.aws import LakeAwsHook

        settings = {key: value for key, value in self._hook_parameters.items() if key in AWS_SETTINGS}
        return LakeAwsHook(client_type=service, **settings).get_conn()

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

        from lakehouse.config import pipeline_config
        from lakehouse.quality.batch import AuditScope
        from lakehouse.quality.frame import read_result
        from lakehouse.quality.gate import Finding, Verdict, schema_findings, validate
        from lakehouse.quality.report import report_location, upload_report
        from lakehouse.wap.athena import AthenaRunner
        from lakehouse.wap.plan import StagePlan

        ti = context["ti"]
        own = (self.layer, self.dataset)
        plans = {} if self.plan is None else {own: StagePlan.from_xcom(self.plan)}
        pulled = [(self.layer, name) for name in self.layer_datasets] + self.reads_staged
        for layer, name in pulled if self.plan is None else ():
            data = ti.xcom_pull(task_ids=names.wap_task_id(layer, name, "stage"), key=names.PLAN_KEY)
            if data:
                plans[(layer, name)] = StagePlan.from_xcom(data)
        if own not in plans:
            raise AirflowSkipException(f"{self.layer}.{self.dataset}: nothing staged in this run")
        plan = plans[own]
        config = pipeline_config()
        suite = load_suite(self.layer, self.dataset)
        lake = config.lake
        glue = self._client("glue")
        scope = AuditScope(
            config, plan, plans, published=cache(lambda layer: _table_names(glue, lake, layer))
        )
        athena = AthenaRunner(self.hook, lake.athena_output, lake.workgroup)
        s3 = self._client("s3")

        ranged = sorted({lookup.key_range for lookup in suite.lookups if lookup.key_range})
        if ranged:
            (row,) = athena.rows(scope.key_range_sql(ranged), plan.staging_database)
            scope.set_key_ranges(ranged, row)
        query_id = athena.execute(scope.batch_sql(suite), plan.staging_database)
        frame, columns = read_result(athena.hook.get_conn(), s3, query_id)
        findings = schema_findings(suite, columns)
        if plan.records_without_business_date:
            findings.append(
                Finding(
                    "business_date",
                    "critical",
                    f"{plan.records_without_business_date} change records have no business date"
                    " and cannot be placed in a partition",
                )
            )
        volume, notes = self._volume_baseline(scope, athena, suite.volume)
        bucket, prefix = report_location(config, ti.dag_id, plan.dataset, self.day, ti.run_id)
        with tempfile.TemporaryDirectory(prefix="audit-") as workdir:
            folder = Path(workdir)
            failed, evaluated, gx_result = validate(
                frame,
                suite,
                parameters=self._parameters(config),
                volume=volume,
                docs_dir=folder / "data_docs",
                run_name=ti.run_id,
            )
            verdict = Verdict(
                dataset=plan.dataset,
                day=self.day,
                rows=len(frame),
                partitions=plan.partitions,
                findings=findings + failed,
                evaluated=evaluated + 1,  # the schema types check
                notes=notes,
                report=f"s3://{bucket}/{prefix}{_report_page(folder)}",
            )
            upload_report(
                s3, bucket, prefix, folder, {"verdict": verdict.to_json(), "great_expectations": gx_result}
            )
        self.log.info("%s", verdict.message())
        self._report(ti, verdict.to_json(all_partitions=False))
        if not verdict.passed:
            # a failed audit is a finding about the data, not a glitch: retrying cannot help
            raise AirflowFailException(verdict.message())
        return verdict.to_json(all_partitions=False)

    def _report(self, ti: Any, verdict: dict[str, Any]) -> None:
        """Findings go to the quality topic and the audit counts to CloudWatch; neither may fail the audit."""
        from lakehouse import alerts
        from lakehouse.metrics_names import AUDIT_FAILURES, AUDIT_WARNINGS, QUALITY_TOPIC

        dataset = verdict["dataset"]
        alerts.put_metrics(
            self.aws_conn_id,
            [
                alerts.datum(AUDIT_FAILURES, len(verdict["critical"]), Dataset=dataset),
                alerts.datum(AUDIT_WARNINGS, len(verdict["warnings"]), Dataset=dataset),
            ],
        )
        if verdict["critical"] or verdict["warnings"]:
            title, body = alerts.audit_message(
                verdict, dag_id=ti.dag_id, run_id=ti.run_id, task_id=ti.task_id, log_url=ti.log_url
            )
            alerts.notify(self.aws_conn_id, QUALITY_TOPIC, title, body)

    def _parameters(self, config: PipelineConfig) -> dict[str, Any]:
        """The suite parameters ($PARAMETER) every suite may use; naive UTC, as Athena's timestamps."""
        now = datetime.now(UTC).replace(tzinfo=None)
        opened = config.quality.opened_on
        return {
            "now": now + timedelta(minutes=config.quality.future_tolerance_minutes),
            "opened_on": datetime(opened.year, opened.month, opened.day),
            "opened_on_date": opened.isoformat(),
            "day": self.day,
        }

    def _volume_baseline(
        self, scope: AuditScope, athena: AthenaRunner, volume: Any
    ) -> tuple[VolumeBaseline | None, list[str]]:
        from lakehouse.quality.batch import previous_day
        from lakehouse.quality.gate import VolumeBaseline

        plan = scope.plan
        if volume is None or plan.partition_column is None:
            return None, []
        before = previous_day(self.day)
        rows = int(athena.rows(scope.partition_count_sql(before), plan.staging_database)[0][0])
        if rows < volume.min_previous_rows:
            note = f"volume not checked: {before} has {rows} rows, fewer than {volume.min_previous_rows}"
            return None, [note]
        return VolumeBaseline(plan.partition_column, self.day, before, rows), []


def _table_names(glue: Any, lake: Any, layer: str) -> set[str]:
    database = getattr(lake.databases, layer)
    pages = glue.get_paginator("get_tables").paginate(DatabaseName=database)
    return {table["Name"] for page in pages for table in page["TableList"]}


def _report_page(folder: Path) -> str:
    """The Data Docs page of this validation (the site's index needs scripts from a CDN to list it)."""
    pages = sorted((folder / "data_docs" / "validations").rglob("*.html"))
    return pages[0].relative_to(folder).as_posix() if pages else "data_docs/index.html"
