"""Athena's query-execution API (JSON 1.1), backed by the engine and a worker pool.

``StartQueryExecution`` only records the query (QUEUED) and hands it to a pool of worker
threads, like Athena's asynchronous model; clients poll ``GetQueryExecution`` until
SUCCEEDED, FAILED or CANCELLED. Workgroups, named queries and data catalogs stay with moto,
which already models them; this module reads the workgroup's result configuration from there.
"""

from __future__ import annotations

import itertools
import json
import json.encoder
import re
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb
from moto.athena.models import athena_backends

from . import access
from .catalog import Catalog
from .engine import Engine, QueryContext, StatementResult, duckdb_error
from .errors import SYSTEM_ERROR, ApiError, AthenaError
from .principals import Principal
from .result_rows import TextTable
from .scan import ParquetSchemas
from .storage import S3Store, as_prefix, split_uri

TERMINAL = ("SUCCEEDED", "FAILED", "CANCELLED")
# How long StartQueryExecution waits for a query to finish before replying (it replies at once
# when the query finishes sooner). Longer queries are reported QUEUED/RUNNING as usual.
START_WAIT_SECONDS = 0.1
# Workgroup tags the local endpoint alone reads: SELECTs in that workgroup (those whose text
# matches the regular expression of the second tag, when there is one) stay QUEUED this many
# seconds before they run, as they can on AWS when Athena's capacity is busy. Tests use them for
# queries that outlive a wait without spending CPU on them.
SELECT_QUEUE_TAG = "local:select-queue-seconds"
SELECT_QUEUE_MATCH_TAG = "local:select-queue-match"


@dataclass
class Execution:
    id: str
    query: str
    database: str
    catalog: str
    workgroup: str
    output_location: str | None
    account: str
    region: str
    parameters: list[str] | None = None
    state: str = "QUEUED"
    reason: str | None = None
    error: AthenaError | None = None
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    completed: float | None = None
    result: StatementResult | None = None
    connection: duckdb.DuckDBPyConnection | None = None
    seq: int = 0
    done: threading.Event = field(default_factory=threading.Event, repr=False)
    principal: Principal | None = None  # who started it: Athena reads and writes as its caller

    @property
    def output_file(self) -> str | None:
        if not self.output_location:
            return None
        suffix = self.result.output_suffix if self.result else ".csv"
        return f"{as_prefix(self.output_location)}{self.id}{suffix}"


class AthenaService:
    """Registry of query executions plus the workers that run them."""

    HANDLED: ClassVar[set[str]] = {
        "StartQueryExecution",
        "GetQueryExecution",
        "BatchGetQueryExecution",
        "GetQueryResults",
        "StopQueryExecution",
        "ListQueryExecutions",
        "GetQueryRuntimeStatistics",
    }

    def __init__(self, work_dir: Path, workers: int = 8, start_wait: float = START_WAIT_SECONDS) -> None:
        self.work_dir = work_dir
        self.start_wait = start_wait
        self.mirror_dir = work_dir / "mirror"
        self.scratch_dir = work_dir / "scratch"
        self.mirror_dir.mkdir(parents=True, exist_ok=True)
        self.scratch_dir.mkdir(parents=True, exist_ok=True)
        self.schemas = ParquetSchemas()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="athena-query")
        self.executions: dict[str, Execution] = {}
        self.lock = threading.Lock()
        self._seq = itertools.count()
        self._engines: dict[tuple[str, str], Engine] = {}

    def engine(self, account: str, region: str) -> Engine:
        with self.lock:
            key = (account, region)
            if key not in self._engines:
                self._engines[key] = Engine(
                    Catalog(account, region),
                    S3Store(account, self.mirror_dir),
                    self.schemas,
                    self.scratch_dir,
                    self.work_dir / "layout",
                )
            return self._engines[key]

    def shutdown(self) -> None:
        for execution in list(self.executions.values()):
            if execution.connection is not None:
                execution.connection.interrupt()
        self.pool.shutdown(wait=False, cancel_futures=True)

    # -- API dispatch ----------------------------------------------------------------------
    def handle(self, action: str, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        handler = {
            "StartQueryExecution": self.start_query_execution,
            "GetQueryExecution": self.get_query_execution,
            "BatchGetQueryExecution": self.batch_get_query_execution,
            "GetQueryResults": self.get_query_results,
            "StopQueryExecution": self.stop_query_execution,
            "ListQueryExecutions": self.list_query_executions,
            "GetQueryRuntimeStatistics": self.get_query_runtime_statistics,
        }[action]
        return handler(body, account, region)

    def _workgroup(self, name: str, account: str, region: str) -> dict[str, Any]:
        backend = athena_backends[account][region]
        workgroup = backend.work_groups.get(name)
        if workgroup is None:
            raise ApiError("InvalidRequestException", f"WorkGroup {name} is not found.")
        return workgroup.configuration or {}

    def start_query_execution(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        query = body.get("QueryString")
        if not query:
            raise ApiError("InvalidRequestException", "QueryString must not be empty")
        workgroup = body.get("WorkGroup") or "primary"
        config = self._workgroup(workgroup, account, region)
        wg_output = (config.get("ResultConfiguration") or {}).get("OutputLocation")
        requested = (body.get("ResultConfiguration") or {}).get("OutputLocation")
        output = (
            wg_output
            if (config.get("EnforceWorkGroupConfiguration") and wg_output)
            else (requested or wg_output)
        )
        if not output:
            raise ApiError(
                "InvalidRequestException",
                "No output location provided. An output location is required either through the Workgroup "
                "result configuration setting or as an API input.",
            )
        context = body.get("QueryExecutionContext") or {}
        execution = Execution(
            id=str(uuid.uuid4()),
            query=query,
            database=(context.get("Database") or "default").lower(),
            catalog=context.get("Catalog") or "AwsDataCatalog",
            workgroup=workgroup,
            output_location=output,
            account=account,
            region=region,
            parameters=body.get("ExecutionParameters"),
            seq=next(self._seq),
            principal=access.CURRENT.get(),
        )
        with self.lock:
            self.executions[execution.id] = execution
        self.pool.submit(self._run, execution)
        # Like Athena the query runs asynchronously, but a quick one gets a head start: the reply
        # waits briefly for it, so a client's first GetQueryExecution already sees it finished.
        execution.done.wait(self.start_wait)
        return {"QueryExecutionId": execution.id}

    def workgroup_of(self, query_id: str) -> str | None:
        """The workgroup a query ran in (what Athena authorizes its Get/Stop calls on)."""
        execution = self.executions.get(query_id)
        return execution.workgroup if execution is not None else None

    def _get(self, query_id: str | None) -> Execution:
        execution = self.executions.get(query_id or "")
        if execution is None:
            raise ApiError("InvalidRequestException", f"QueryExecution {query_id} was not found")
        return execution

    def get_query_execution(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        return {"QueryExecution": self._describe(self._get(body.get("QueryExecutionId")))}

    def batch_get_query_execution(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        found, missing = [], []
        for query_id in body.get("QueryExecutionIds") or []:
            if query_id in self.executions:
                found.append(self._describe(self.executions[query_id]))
            else:
                missing.append(
                    {"QueryExecutionId": query_id, "ErrorCode": "INVALID_INPUT", "ErrorMessage": "not found"}
                )
        return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}

    def list_query_executions(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        workgroup = body.get("WorkGroup") or "primary"
        ids = [
            e.id
            for e in sorted(self.executions.values(), key=lambda e: -e.seq)
            if e.workgroup == workgroup and e.account == account and e.region == region
        ]
        start = int(body.get("NextToken") or 0)
        size = int(body.get("MaxResults") or 50)
        page: dict[str, Any] = {"QueryExecutionIds": ids[start : start + size]}
        if start + size < len(ids):
            page["NextToken"] = str(start + size)
        return page

    def stop_query_execution(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        execution = self._get(body.get("QueryExecutionId"))
        with self.lock:
            if execution.state in TERMINAL:
                return {}
            execution.state = "CANCELLED"
            execution.reason = "Query cancelled by user"
            execution.completed = time.time()
            connection = execution.connection
            execution.done.set()
        if connection is not None:
            connection.interrupt()
        return {}

    def get_query_results(self, body: dict[str, Any], account: str, region: str) -> RawJson:
        execution = self._get(body.get("QueryExecutionId"))
        if execution.state != "SUCCEEDED" or execution.result is None:
            if execution.state == "FAILED":
                raise ApiError("InvalidRequestException", execution.reason or "Query failed")
            raise ApiError(
                "InvalidRequestException", f"Query has not yet finished. Current state: {execution.state}"
            )
        result = execution.result
        if execution.output_file is not None:
            try:
                access.check_read_object(execution.output_file)
            except access.AccessDenied as err:
                raise ApiError("AccessDeniedException", err.message) from None
        size = min(int(body.get("MaxResults") or 1000), 1000)
        try:
            start = int(body.get("NextToken") or 0)
        except ValueError:
            raise ApiError("InvalidRequestException", "Invalid NextToken") from None
        header = [[c.name for c in result.columns]] if result.header else []
        skip = len(header)
        total = skip + len(result.rows)
        page = header[start : start + size] + result.rows[max(0, start - skip) : max(0, start + size - skip)]
        metadata = {
            "ColumnInfo": [
                {
                    "CatalogName": "hive",
                    "SchemaName": "",
                    "TableName": "",
                    "Name": c.name,
                    "Label": c.name,
                    "Type": c.type,
                    "Precision": c.precision,
                    "Scale": c.scale,
                    "Nullable": "UNKNOWN",
                    "CaseSensitive": c.type == "varchar",
                }
                for c in result.columns
            ]
        }
        # Rendered by hand (same JSON as json.dumps of the nested dicts): pages are the bulk of
        # what a client downloads, and building thousands of small dicts first costs more.
        rows_json = ",".join(
            '{"Data":['
            + ",".join(["{}" if v is None else '{"VarCharValue":' + _encode_str(v) + "}" for v in row])
            + "]}"
            for row in page
        )
        text = (
            f'{{"UpdateCount":0,"ResultSet":{{"Rows":[{rows_json}],'
            f'"ResultSetMetadata":{json.dumps(metadata, separators=(",", ":"))}}}'
        )
        if start + size < total:
            text += f',"NextToken":{_encode_str(str(start + size))}'
        return RawJson((text + "}").encode())

    def get_query_runtime_statistics(self, body: dict[str, Any], account: str, region: str) -> dict[str, Any]:
        execution = self._get(body.get("QueryExecutionId"))
        timeline = self._timeline(execution)
        rows = len(execution.result.rows) if execution.result else 0
        return {
            "QueryRuntimeStatistics": {
                "Timeline": timeline,
                "Rows": {
                    "InputRows": 0,
                    "InputBytes": self._scanned(execution),
                    "OutputBytes": 0,
                    "OutputRows": rows,
                },
            }
        }

    # -- execution -------------------------------------------------------------------------
    def _queue_seconds(self, execution: Execution) -> float:
        """How long the workgroup's queue tags keep this query queued (0 without them)."""
        if _classify(execution.query) != ("DML", "SELECT"):
            return 0.0
        backend = athena_backends[execution.account][execution.region]
        workgroup = backend.work_groups.get(execution.workgroup)
        if workgroup is None:
            return 0.0
        tags = backend.tagger.get_tag_dict_for_resource(workgroup.arn)
        pattern = tags.get(SELECT_QUEUE_MATCH_TAG)
        if pattern and not re.search(pattern, execution.query):
            return 0.0
        return float(tags.get(SELECT_QUEUE_TAG) or 0)

    def _run(self, execution: Execution) -> None:
        with access.acting_as(execution.principal):
            self._run_as_caller(execution)

    def _run_as_caller(self, execution: Execution) -> None:
        try:
            queued = self._queue_seconds(execution)
        except (re.error, ValueError) as err:  # a malformed tag: the query fails, naming it
            tags = f"{SELECT_QUEUE_TAG}/{SELECT_QUEUE_MATCH_TAG}"
            self._finish(execution, "FAILED", AthenaError("INVALID_INPUT", f"workgroup tag {tags}: {err}"))
            return
        if queued and execution.done.wait(queued):
            return  # stopped while queued
        with self.lock:
            if execution.state != "QUEUED":
                return
            execution.state = "RUNNING"
            execution.started = time.time()

        def register(con: duckdb.DuckDBPyConnection | None) -> None:
            with self.lock:
                execution.connection = con
                cancelled = execution.state == "CANCELLED"
            if cancelled and con is not None:
                con.interrupt()

        try:
            engine = self.engine(execution.account, execution.region)
            bucket, _ = split_uri(execution.output_location or "")
            access.check(
                "s3:GetBucketLocation", [access.s3_bucket_arn(bucket)], path=execution.output_location
            )
            if not engine.store.bucket_exists(bucket):
                raise AthenaError("PERMISSION_DENIED", f"Unable to verify/create output bucket {bucket}")
            ctx = QueryContext(execution.id, execution.database, execution.output_location, register)
            result = engine.execute(_bind_parameters(execution.query, execution.parameters), ctx)
            if execution.state == "CANCELLED":
                return
            execution.result = result
            self._write_output(engine, execution, result)
            self._finish(execution, "SUCCEEDED")
        except AthenaError as err:
            self._finish(execution, "FAILED", err)
        except access.AccessDenied as err:
            self._finish(execution, "FAILED", _permission_error(err, execution))
        except duckdb.Error as err:
            self._finish(execution, "FAILED", duckdb_error(err))
        except Exception as err:
            traceback.print_exc()
            self._finish(
                execution,
                "FAILED",
                AthenaError("GENERIC_INTERNAL_ERROR", f"{type(err).__name__}: {err}", SYSTEM_ERROR),
            )

    def _finish(self, execution: Execution, state: str, error: AthenaError | None = None) -> None:
        with self.lock:
            execution.connection = None
            if execution.state == "CANCELLED":
                return
            if error is not None and error.name == "USER_CANCELLED":
                state = "CANCELLED"
            execution.state = state
            execution.error = error
            execution.reason = error.reason if error else None
            execution.completed = time.time()
            execution.done.set()

    @staticmethod
    def _write_output(engine: Engine, execution: Execution, result: StatementResult) -> None:
        """Write the result file Athena leaves in the output location (CSV, or text for DDL)."""
        target = execution.output_file
        if target is None:
            return
        if result.output_suffix == ".csv" and isinstance(result.rows, TextTable):
            engine.store.write(target, result.rows.csv([c.name for c in result.columns]))
            return
        lines = []
        if result.output_suffix == ".csv":
            if result.columns:
                lines.append(_csv_line([c.name for c in result.columns]))
            lines.extend(_csv_line(row) for row in result.rows)
        else:
            lines.extend("\t".join(v or "" for v in row) for row in result.rows)
        payload = ("\n".join(lines) + "\n") if lines else ""
        engine.store.write(target, payload.encode())

    # -- description -----------------------------------------------------------------------
    @staticmethod
    def _scanned(execution: Execution) -> int:
        return execution.result.data_scanned if execution.result else 0

    @staticmethod
    def _timeline(execution: Execution) -> dict[str, int]:
        end = execution.completed or time.time()
        started = execution.started or end
        return {
            "QueryQueueTimeInMillis": int((started - execution.submitted) * 1000),
            "ServicePreProcessingTimeInMillis": 0,
            "QueryPlanningTimeInMillis": 0,
            "EngineExecutionTimeInMillis": int((end - started) * 1000),
            "ServiceProcessingTimeInMillis": 0,
            "TotalExecutionTimeInMillis": int((end - execution.submitted) * 1000),
        }

    def _describe(self, execution: Execution) -> dict[str, Any]:
        result = execution.result
        statement_type, substatement = (
            (result.statement_type, result.substatement_type) if result else _classify(execution.query)
        )
        status: dict[str, Any] = {"State": execution.state, "SubmissionDateTime": execution.submitted}
        if execution.completed is not None:
            status["CompletionDateTime"] = execution.completed
        if execution.reason:
            status["StateChangeReason"] = execution.reason
        if execution.error is not None:
            status["AthenaError"] = {
                "ErrorCategory": execution.error.category,
                "ErrorType": 1306 if execution.error.category == 2 else 401,
                "Retryable": False,
                "ErrorMessage": execution.error.reason,
            }
        description: dict[str, Any] = {
            "QueryExecutionId": execution.id,
            "Query": execution.query,
            "StatementType": statement_type,
            "SubstatementType": substatement,
            "ResultConfiguration": {"OutputLocation": execution.output_file} if execution.output_file else {},
            "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
            "QueryExecutionContext": {"Database": execution.database, "Catalog": execution.catalog},
            "Status": status,
            "Statistics": {
                **self._timeline(execution),
                "DataScannedInBytes": self._scanned(execution),
                "ResultReuseInformation": {"ReusedPreviousResult": False},
            },
            "WorkGroup": execution.workgroup,
            "EngineVersion": {
                "SelectedEngineVersion": "AUTO",
                "EffectiveEngineVersion": "Athena engine version 3",
            },
        }
        if execution.parameters:
            description["ExecutionParameters"] = execution.parameters
        return description


def _permission_error(err: access.AccessDenied, execution: Execution) -> AthenaError:
    """How Athena reports a permission its caller lacks: Glue's denial as Glue words it, S3's
    with the path it could not read or write."""
    if err.action.startswith("glue:"):
        return AthenaError(
            "PERMISSION_DENIED",
            f"Insufficient permissions to execute the query. {err.message} "
            "(Service: AWSGlue; Status Code: 400; Error Code: AccessDeniedException; Request ID: local)",
        )
    path = err.path or "s3://" + err.resource.removeprefix("arn:aws:s3:::")
    if (
        err.action in ("s3:PutObject", "s3:GetBucketLocation")
        and execution.output_location
        and path.startswith(as_prefix(execution.output_location))
    ):
        what = f"Access denied when writing output to url: {execution.output_location}"
    elif err.action == "s3:PutObject":
        what = f"Access denied when writing to location: {path}"
    else:
        what = f"Permission denied on S3 path: {path}"
    return AthenaError(
        "PERMISSION_DENIED",
        f"{what}. {err.message} (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; "
        "Request ID: local)",
    )


def _csv_line(row: list[str | None]) -> str:
    """One CSV record as Athena writes it: every value quoted, NULL as an empty unquoted field."""
    return ",".join(["" if v is None else '"' + v.replace('"', '""') + '"' for v in row])


class RawJson(bytes):
    """A handler reply that is already serialised JSON."""


_encode_str = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _classify(query: str) -> tuple[str, str]:
    word = query.strip().split(None, 1)[0].upper() if query.strip() else ""
    if word in ("SELECT", "WITH", "VALUES", "TABLE"):
        return "DML", "SELECT"
    if word == "INSERT":
        return "DML", "INSERT"
    if word in ("DESCRIBE", "DESC"):
        return "UTILITY", "DESCRIBE"
    return "DDL", word or "UNKNOWN"


def _bind_parameters(query: str, parameters: list[str] | None) -> str:
    """Substitute ExecutionParameters for ``?`` placeholders outside string literals, in order."""
    if not parameters:
        return query
    out, values, in_string = [], iter(parameters), False
    for char in query:
        if char == "'":
            in_string = not in_string
        if char == "?" and not in_string:
            try:
                out.append(next(values))
            except StopIteration:
                raise AthenaError(
                    "INVALID_PARAMETER_USAGE", "Not enough ExecutionParameters for the query"
                ) from None
            continue
        out.append(char)
    return "".join(out)
