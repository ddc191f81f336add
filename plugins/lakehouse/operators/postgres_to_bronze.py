"""PostgresToBronzeOperator: one source table to Parquet in the bronze layer, streamed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from airflow.providers.amazon.aws.hooks.s3 import S3Hook
from airflow.providers.amazon.aws.operators.base_aws import AwsBaseOperator
from airflow.providers.amazon.aws.utils.mixins import aws_template_fields

from lakehouse.hooks.aws import LakeS3Hook

if TYPE_CHECKING:
    from airflow.sdk import Context

    from lakehouse.config import Source, SourceTable


def _moment(value: datetime | str | None, name: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name} must be an ISO-8601 timestamp, got {value!r}") from None


def _s3_client(hook: S3Hook) -> Any:
    """The S3 client of the hook's session, endpoint, config and verify: `hook.conn` minus its user agent.

    Why not `hook.conn`: it also writes telemetry into the user agent, and
    finding the calling operator's name walks the stack with `inspect.stack()`
    and asks the providers manager for its version: more than half of the
    client's build time, holding the GIL while the export starts. Built on the
    export's background thread, it named the caller "Unknown" anyway.
    Credentials, role assumption and the endpoint still come from the hook and
    its connection.
    """
    session = hook.get_session(region_name=hook.region_name)
    return session.client(
        "s3",
        endpoint_url=hook.conn_config.get_service_endpoint_url(service_name="s3"),
        config=hook.config,
        verify=hook.verify,
    )


class PostgresToBronzeOperator(AwsBaseOperator[S3Hook]):
    """Export one Postgres table to `s3://<bucket>/<prefix>/<table>/ingest_date=<date>/part-NNNNN.parquet`.

    Why not the provider's SqlToS3Operator: it reads the whole result into one
    pandas DataFrame and serialises it into one in-memory buffer, so its
    memory grows with the table (bench/export.py compares the two), and types
    come from pandas' guesses (decimals become objects or floats, nullable
    ints become floats). This
    operator streams COPY-binary batches through Arrow into Parquet files of a
    bounded size and multipart uploads, so memory stays flat, types follow an
    explicit catalog-driven map, and the partition is replaced atomically
    enough to be idempotent (see lakehouse.export.multipart).

    Reads run in one REPEATABLE READ snapshot; the rows written are reconciled
    with a count taken in that snapshot, and a mismatch fails the task before
    anything is published. Returns (to XCom) a summary: rows, bytes, files,
    seconds, location.

    :param table: source table name. (templated)
    :param bucket: the lake bucket. (templated)
    :param ingest_date: the partition date, YYYY-MM-DD; default the run's logical date. (templated)
    :param mode: "incremental" (rows whose cursor is in the data interval, widened by the lookback)
        or "full" (the whole table). (templated)
    :param cursor_column: timestamp column of the change cursor; required for incremental. (templated)
    :param data_interval_start: start of the window (inclusive), ISO-8601 or datetime; default the
        run's data interval; None reads every row before the window's end (a first load). Ignored
        when mode is "full". (templated)
    :param data_interval_end: end of the window (exclusive); default the run's. (templated)
    :param lookback: how much earlier than data_interval_start to read, so late-committed updates
        are caught; a timedelta or minutes. Re-exported rows are deduplicated in silver.
    :param pii_columns: columns hashed or masked in Postgres before they leave it. (templated)
    :param pii_method: "hash" (HMAC-SHA256 keyed with `pii_secret`, hex: still joinable) or
        "mask" (a constant).
    :param pii_secret: the HMAC key for "hash", from a secret, e.g.
        "{{ var.value.lakehouse_pii_secret }}" (the name contains "secret", so Airflow masks it in
        rendered fields and logs); it reaches Postgres as session settings at connection start-up,
        never in statement text; required when hashing. (templated)
    :param schema: the source schema. (templated)
    :param prefix: the layer's key prefix in the bucket. (templated)
    :param postgres_conn_id: Airflow connection of the source database. (templated)
    :param delete_column: the soft-delete column the table must have; a table without it fails the
        export, naming the column, rather than silently keeping deleted rows. (templated)
    :param key_columns: the primary key of a table whose rows are deleted for good (deletes: hard):
        an incremental export then also writes the table's whole key set, after the changes, to
        `<prefix>/<table>__keys/ingest_date=<date>/`, so silver can drop the keys gone from the
        source. Only the key columns are read (an index-only scan where the key is indexed).
    :param record_batch: write the batch's manifest (`_batches/<table>/<ingest_date>.json` in the
        bucket: the window read, rows, export time) once the partition is published, so silver can
        tell the batches it has not merged (lakehouse.batches).
    :param allow_empty: whether zero rows is a success (one schema-only file is written): a quiet
        day, or an empty table's snapshot. False guards a full export against an empty source.
    :param target_file_bytes: Parquet files roll over at about this size (default 128 MiB).
    :param compression: Parquet codec. Default zstd: with the columns delta- or dictionary-encoded,
        its files are smaller than snappy's for a little more encoder CPU (bench/export.py), and
        Athena bills by bytes scanned.
    :param read_connections: a full export of a table of at least 64 MiB reads on up to this many
        connections at once, sharing one snapshot, each a range of the table's pages (Postgres 14+).
        Each costs the source a backend while the export runs. None: two on a worker of two
        cores or more, one on a single core (one Postgres backend cannot keep the Parquet
        encoder busy; see `default_read_connections`); 1 always reads on one.
    :param key_slice: one slice of a split full export (`lakehouse.export.slices`): a dict with
        the integer key `column`, `low` (inclusive) and `high` (exclusive; None for open ends),
        and the slice's `index` and `count`. The slice writes its own files into the partition
        (`s<index>of<count>-part-*.parquet`) and replaces only those, so the slices of one export
        run as separate tasks, on separate workers, each holding only its rows; it reads its key
        range on one connection (through the key's index), and leaves the batch manifest to the
        task that sees every slice done.
    :param aws_conn_id: AWS connection (its extra may point at a local endpoint). (templated)
    :param region_name: AWS region; None uses the connection's or boto3's default. (templated)
    :param verify: SSL verification for S3, as for boto3. (templated)
    :param botocore_config: extra botocore client configuration.
    """

    aws_hook_class = LakeS3Hook
    template_fields: Sequence[str] = aws_template_fields(
        "table",
        "bucket",
        "ingest_date",
        "mode",
        "cursor_column",
        "data_interval_start",
        "data_interval_end",
        "delete_column",
        "pii_columns",
        "pii_secret",
        "schema",
        "prefix",
        "postgres_conn_id",
    )
    ui_color = "#d6eaf8"

    def __init__(
        self,
        *,
        table: str,
        bucket: str,
        ingest_date: str = "{{ ds }}",
        mode: Literal["incremental", "full"] | str = "incremental",
        cursor_column: str | None = None,
        data_interval_start: datetime | str | None = "{{ data_interval_start }}",
        data_interval_end: datetime | str | None = "{{ data_interval_end }}",
        lookback: timedelta | int = timedelta(0),
        pii_columns: Sequence[str] = (),
        pii_method: Literal["hash", "mask"] = "hash",
        pii_secret: str = "",
        schema: str = "public",
        prefix: str = "bronze",
        postgres_conn_id: str = "postgres_oltp",
        delete_column: str | None = None,
        key_columns: Sequence[str] = (),
        record_batch: bool = False,
        allow_empty: bool = True,
        target_file_bytes: int = 128 * 1024 * 1024,
        compression: str = "zstd",
        read_connections: int | None = None,
        key_slice: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.table = table
        self.bucket = bucket
        self.ingest_date = ingest_date
        self.mode = mode
        self.cursor_column = cursor_column
        self.data_interval_start = data_interval_start
        self.data_interval_end = data_interval_end
        self.lookback = lookback if isinstance(lookback, timedelta) else timedelta(minutes=lookback)
        self.pii_columns = list(pii_columns)
        self.pii_method = pii_method
        self.pii_secret = pii_secret
        self.schema = schema
        self.prefix = prefix
        self.postgres_conn_id = postgres_conn_id
        self.delete_column = delete_column
        self.key_columns = list(key_columns)
        self.record_batch = record_batch
        self.allow_empty = allow_empty
        self.target_file_bytes = target_file_bytes
        self.compression = compression
        if read_connections is not None and read_connections < 1:
            raise ValueError(f"{table}: read_connections must be at least 1, got {read_connections}")
        self.read_connections = read_connections
        self.key_slice = key_slice

    @classmethod
    def for_table(cls, source: Source, table: SourceTable, **kwargs: Any) -> PostgresToBronzeOperator:
        """The operator for one pipeline.yaml table: mode, cursor, PII and lookback from config."""
        kwargs.setdefault("task_id", f"export_{table.name}")
        return cls(
            table=table.name,
            schema=source.schema_name,
            postgres_conn_id=source.conn_id,
            mode=table.mode,
            cursor_column=table.cursor_column,
            delete_column=table.delete_column,
            key_columns=table.primary_key if table.hard_deletes else (),
            pii_columns=table.pii_columns,
            pii_method=table.pii_method,
            lookback=timedelta(minutes=table.lookback_minutes),
            **kwargs,
        )

    def partition_prefix(self, table: str | None = None) -> str:
        datetime.strptime(self.ingest_date, "%Y-%m-%d")  # a clear ValueError for a bad date
        return f"{self.prefix.strip('/')}/{table or self.table}/ingest_date={self.ingest_date}/"

    def execute(self, context: Context) -> dict[str, Any]:
        from lakehouse.denials import denials_fail_the_task

        with denials_fail_the_task():  # the lake refusing the role is not retried
            return self._export(context)

    def _export(self, context: Context) -> dict[str, Any]:
        from dataclasses import replace
        from datetime import UTC

        from lakehouse.export.query import ExportRequest
        from lakehouse.export.run import Target, export_partition
        from lakehouse.export.slices import slice_files, slice_range
        from lakehouse.hooks.postgres_arrow import PostgresArrowHook
        from lakehouse.names import key_set_table

        if self.pii_columns and self.pii_method == "hash":
            if not self.pii_secret:
                raise ValueError(
                    f"{self.table}: pii_secret is empty, so hashing {', '.join(self.pii_columns)} could be"
                    " reversed with a dictionary; set the lakehouse_pii_secret Variable"
                    " or use pii_method='mask'"
                )
            from airflow.sdk.log import mask_secret

            from lakehouse.export.query import hmac_pads

            # never in the export's SQL (it goes as session settings); masked should anything log it
            mask_secret(self.pii_secret)
            for pad in hmac_pads(self.pii_secret).values():
                mask_secret(pad)
        incremental = self.mode == "incremental"
        request = ExportRequest(
            schema=self.schema,
            table=self.table,
            mode=self.mode,  # type: ignore[arg-type]
            cursor_column=self.cursor_column,
            window_start=_moment(self.data_interval_start, "data_interval_start") if incremental else None,
            window_end=_moment(self.data_interval_end, "data_interval_end") if incremental else None,
            lookback=self.lookback,
            pii_columns=tuple(self.pii_columns),
            pii_method=self.pii_method,
            pii_secret=self.pii_secret,
            delete_column=self.delete_column or None,
            key_range=slice_range(self.key_slice),
        )
        target = Target(
            bucket=self.bucket,
            prefix=self.partition_prefix(),
            target_file_bytes=self.target_file_bytes,
            compression=self.compression,
            read_connections=1 if self.key_slice else self.read_connections,
            **slice_files(self.key_slice),
        )
        s3 = self.hook
        # The Airflow connection is looked up here, on the task's thread; the client is built on another.
        s3.conn_config  # noqa: B018
        exported_at = datetime.now(UTC)  # before the snapshot: batches are ordered by it
        summary = export_partition(
            PostgresArrowHook(self.postgres_conn_id),
            lambda: _s3_client(s3),
            request,
            target,
            allow_empty=self.allow_empty,
        )
        if self.key_columns and incremental:
            # after the changes: a row inserted in between is a key without its change (harmless),
            # never a change without its key (which silver would drop)
            keys = ExportRequest(self.schema, self.table, mode="full", only_columns=tuple(self.key_columns))
            key_target = replace(target, prefix=self.partition_prefix(key_set_table(self.table)))
            key_summary = export_partition(
                PostgresArrowHook(self.postgres_conn_id),
                lambda: _s3_client(s3),
                keys,
                key_target,
                allow_empty=True,
            )
            summary["key_set_rows"] = key_summary["rows"]
        if self.key_slice:
            summary["slice"] = {**self.key_slice, "table": self.table, "exported_at": exported_at.isoformat()}
        elif self.record_batch:
            self._record_batch(_s3_client(s3), request, summary, exported_at)
        return summary

    def _record_batch(
        self, client: Any, request: Any, summary: dict[str, Any], exported_at: datetime
    ) -> None:
        from lakehouse.batches import new_batch, write_batch

        batch = new_batch(
            self.table,
            self.ingest_date,
            mode=request.mode,
            read_from=request.read_from,
            read_to=_moment(self.data_interval_end, "data_interval_end"),
            rows=summary["rows"],
            exported_at=exported_at,
            key_rows=summary.get("key_set_rows"),
        )
        write_batch(client, self.bucket, batch)
