"""Benchmark: Postgres to S3 Parquet, our streaming export vs the provider's SqlToS3Operator vs raw COPY.

The same orders-like table (9 columns: bigints, text, char(3), numeric(12,2),
four timestamptz, 2% NULL deleted_at) is generated in a dedicated database
`bench` on the embedded Postgres and kept between runs. Each method runs in
its own subprocess, so each peak RSS (ru_maxrss, imports included) is its own:

- ours: PostgresToBronzeOperator (full mode) to the local AWS endpoint, at N
  rows and at N/2 rows (memory must not grow with the table), and at N rows on
  two connections sharing one snapshot (BENCH_READ_CONNECTIONS=2), to show
  what the parallel read adds on this machine;
- sql_to_s3: the Amazon provider's SqlToS3Operator with file_format="parquet";
- copy: `COPY (SELECT ...) TO STDOUT (FORMAT binary)` into /dev/null by psql,
  libpq's C client, the floor (the same COPY through psycopg is printed too:
  Python touches every row there, so it is a slower, flattering floor);
- readers: how the driver was chosen, ADBC batches vs psycopg COPY CSV parsed by
  pyarrow's CSV reader (reading only).

If SqlToS3Operator dies (out of memory) at N rows, it is retried at N/2, N/4...
and the speedup compares throughput (rows/s), which is said on a line above.

Usage: python bench/export.py [--rows 5000000] [--sql-to-s3-rows N] [--skip-sql-to-s3]
Goal: speedup_vs_sql_to_s3 >= 10x, ours_peak_mb <= 400 and flat, vs_copy <= 2.0.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "plugins")]

DATABASE = "bench"
BUCKET = "bench-lake"
COLUMNS = "order_id, customer_id, status, ordered_at, currency, total, created_at, updated_at, deleted_at"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_DEFAULT_REGION": "us-east-1",
}


# --------------------------------------------------------------------------- data


def ensure_table(dsn: str, name: str, rows: int) -> None:
    """Create `name` with `rows` orders-like rows, unless it already holds exactly that many."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute("select to_regclass(%s) is not null", (name,)).fetchone()[0]
        if exists and conn.execute(f"select count(*) from {name}").fetchone()[0] == rows:
            return
        print(f"bench: generating {rows:,} rows in {DATABASE}.{name}", flush=True)
        conn.execute(f"drop table if exists {name}")
        conn.execute(
            f"""create table {name} (
                order_id bigint primary key, customer_id bigint not null, status text not null,
                ordered_at timestamptz not null, currency char(3) not null, total numeric(12,2) not null,
                created_at timestamptz not null, updated_at timestamptz not null, deleted_at timestamptz)"""
        )
        conn.execute(
            f"""insert into {name}
            select g, 1 + (g * 7919) %% 200000,
                   (array['placed','paid','shipped','delivered','cancelled','refunded'])[1 + g %% 6],
                   timestamptz '2024-01-01' + (g * 6311 %% 31536000) * interval '1 second',
                   'USD', ((g * 37) %% 100000) / 100.0,
                   timestamptz '2024-01-01' + (g * 6311 %% 31536000) * interval '1 second',
                   timestamptz '2024-01-01' + (g * 6311 %% 31536000 + 3600) * interval '1 second',
                   case when g %% 50 = 0 then timestamptz '2024-06-01' + g * interval '1 ms' end
            from generate_series(1::bigint, %s) as g""",
            (rows,),
        )
        conn.execute(f"vacuum analyze {name}")


# --------------------------------------------------------------------------- workers


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _preload(*modules: str) -> None:
    """Import what a method needs before its clock starts: a worker process imports it once."""
    import importlib

    for module in modules:
        importlib.import_module(module)


def work_ours(table: str) -> dict[str, Any]:
    from lakehouse.operators.postgres_to_bronze import PostgresToBronzeOperator

    _preload("pyarrow.parquet", "adbc_driver_manager", "adbc_driver_postgresql", "lakehouse.export.run")

    operator = PostgresToBronzeOperator(
        task_id="ours",
        table=table,
        bucket=BUCKET,
        ingest_date="2024-01-01",
        mode="full",
        postgres_conn_id="pg_bench",
        **(
            {"read_connections": int(os.environ["BENCH_READ_CONNECTIONS"])}
            if "BENCH_READ_CONNECTIONS" in os.environ
            else {}
        ),
    )
    before_mb = _peak_mb()
    started = time.monotonic()
    summary = operator.execute({})
    return {
        "seconds": time.monotonic() - started,
        "rows": summary["rows"],
        "files": summary["files"],
        "read_connections": summary["read_connections"],
        "before_mb": before_mb,
    }


def work_sql_to_s3(table: str) -> dict[str, Any]:
    """The provider's SqlToS3Operator, unmodified: one pandas DataFrame, one in-memory Parquet buffer."""
    from airflow.providers.amazon.aws.transfers.sql_to_s3 import SqlToS3Operator

    _preload("pandas", "pyarrow.parquet", "psycopg2", "sqlalchemy")
    operator = SqlToS3Operator(
        task_id="sql_to_s3",
        query=f"select {COLUMNS} from {table}",
        s3_bucket=BUCKET,
        s3_key=f"sql_to_s3/{table}/data.parquet",
        sql_conn_id="pg_bench",
        file_format="parquet",
        replace=True,
    )
    started = time.monotonic()
    operator.execute({})
    return {"seconds": time.monotonic() - started}


def work_copy_psql(table: str, dsn: str) -> dict[str, Any]:
    """The floor: libpq's C client (psql) copies the rows into /dev/null, no decoding at all."""
    psql = os.environ["BENCH_PSQL"]
    command = f"\\copy (select {COLUMNS} from {table}) to '{os.devnull}' with (format binary)"
    started = time.monotonic()
    quiet = subprocess.DEVNULL
    subprocess.run([psql, "--no-psqlrc", "--quiet", dsn, "-c", command], check=True, stdout=quiet)
    return {"seconds": time.monotonic() - started}


def work_copy(table: str, dsn: str) -> dict[str, Any]:
    """The same COPY through psycopg: Python handles every row, so it is slower than the floor."""
    import psycopg

    started = time.monotonic()
    size = 0
    with (
        psycopg.connect(dsn) as conn,
        conn.cursor() as cur,
        cur.copy(f"copy (select {COLUMNS} from {table}) to stdout (format binary)") as copy,
        Path(os.devnull).open("wb") as sink,
    ):
        for chunk in copy:
            size += len(chunk)
            sink.write(chunk)
    return {"seconds": time.monotonic() - started, "bytes": size}


def work_read_adbc(table: str, dsn: str) -> dict[str, Any]:
    from lakehouse.export.query import ExportRequest, build_query
    from lakehouse.hooks.postgres_arrow import PostgresArrowHook

    started = time.monotonic()
    rows = 0
    with PostgresArrowHook().snapshot(dsn) as snapshot:
        query = build_query(ExportRequest("public", table, mode="full"), snapshot.columns("public", table))
        for batch in snapshot.batches(query.select_sql, 8 << 20):
            rows += batch.num_rows
    return {"seconds": time.monotonic() - started, "rows": rows}


def work_read_csv(table: str, dsn: str) -> dict[str, Any]:
    """psycopg COPY CSV into pyarrow's streaming CSV reader: the runner-up, installed-only option."""
    import io

    import psycopg
    import pyarrow as pa
    import pyarrow.csv as pacsv

    class Chunks(io.RawIOBase):
        def __init__(self, chunks: Any) -> None:
            self.chunks, self.rest = chunks, b""

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            while not self.rest:
                self.rest = bytes(next(self.chunks, b"")) or None  # type: ignore[assignment]
                if self.rest is None:
                    self.rest = b""
                    return 0
            n = min(len(buffer), len(self.rest))
            buffer[:n], self.rest = self.rest[:n], self.rest[n:]
            return n

    ts = pa.timestamp("us", tz="UTC")
    types = [pa.int64(), pa.int64(), pa.string(), ts, pa.string(), pa.decimal128(12, 2), ts, ts, ts]
    names = [c.strip() for c in COLUMNS.split(",")]
    started = time.monotonic()
    rows = 0
    with (
        psycopg.connect(dsn) as conn,
        conn.cursor() as cur,
        cur.copy(f"copy (select {COLUMNS} from {table}) to stdout (format csv)") as copy,
    ):
        reader = pacsv.open_csv(
            io.BufferedReader(Chunks(iter(copy)), 1 << 20),
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20),
            convert_options=pacsv.ConvertOptions(
                column_types=dict(zip(names, types, strict=True)),
                timestamp_parsers=["%Y-%m-%d %H:%M:%S%z", pacsv.ISO8601],
            ),
        )
        for batch in reader:
            rows += batch.num_rows
    return {"seconds": time.monotonic() - started, "rows": rows}


def worker(method: str, table: str) -> None:
    dsn = os.environ["BENCH_DSN"]
    result = {
        "ours": lambda: work_ours(table),
        "sql_to_s3": lambda: work_sql_to_s3(table),
        "copy": lambda: work_copy(table, dsn),
        "copy_psql": lambda: work_copy_psql(table, dsn),
        "read_adbc": lambda: work_read_adbc(table, dsn),
        "read_csv": lambda: work_read_csv(table, dsn),
    }[method]()
    result["peak_mb"] = _peak_mb()
    print("RESULT " + json.dumps(result), flush=True)


# --------------------------------------------------------------------------- driver


def run_worker(method: str, table: str, env: dict[str, str]) -> dict[str, Any] | None:
    """Run one method in a fresh interpreter; None if it died (e.g. killed for memory)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", method, "--table", table],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
            print(f"bench: {method:10s} {table:18s} {result}", flush=True)
            return result
    print(f"bench: {method} on {table} failed (exit {proc.returncode}): {proc.stderr[-1500:]}", flush=True)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--sql-to-s3-rows", type=int, help="rows for SqlToS3Operator (default: --rows)")
    parser.add_argument("--skip-sql-to-s3", action="store_true", help="skip the slow baseline")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--table", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.table)
        return 0

    import boto3

    from local.airflow_home import aws_connection
    from local.postgres import EmbeddedPostgres

    pg = EmbeddedPostgres()
    pg.start()
    pg.ensure_database(DATABASE)
    dsn = pg.dsn(DATABASE)
    rows, half = args.rows, args.rows // 2
    ensure_table(dsn, f"orders_{rows}", rows)
    ensure_table(dsn, f"orders_{half}", half)

    env = {**os.environ, **CREDENTIALS}
    from local.aws.process import start_endpoint, stop_endpoint

    endpoint, url = start_endpoint(0, env)
    try:
        env["AIRFLOW_CONN_AWS_DEFAULT"] = json.dumps(aws_connection(url))
        env["AIRFLOW_CONN_PG_BENCH"] = json.dumps(
            {
                "conn_type": "postgres",
                "host": "127.0.0.1",
                "port": pg.port,
                "login": pg.user,
                "password": pg.password,
                "schema": DATABASE,
            }
        )
        env["BENCH_DSN"] = dsn
        boto3.client("s3", endpoint_url=url, region_name="us-east-1", **_keys()).create_bucket(Bucket=BUCKET)

        readers = {m: run_worker(m, f"orders_{rows}", env) for m in ("read_adbc", "read_csv")}
        psql = pg.bindir / "psql"
        copy_psycopg = run_worker("copy", f"orders_{rows}", env)
        copy = run_worker("copy_psql", f"orders_{rows}", {**env, "BENCH_PSQL": str(psql)})
        if copy is None:
            print(f"bench: no usable {psql}; the floor is psycopg's COPY (slower than psql's)", flush=True)
            copy = copy_psycopg
        ours = run_worker("ours", f"orders_{rows}", env)
        ours_two = run_worker("ours", f"orders_{rows}", {**env, "BENCH_READ_CONNECTIONS": "2"})
        ours_half = run_worker("ours", f"orders_{half}", env)
        if copy is None or ours is None or ours_half is None:
            return 1

        baseline, baseline_rows = None, args.sql_to_s3_rows or rows
        while not args.skip_sql_to_s3 and baseline is None and baseline_rows >= 10_000:
            ensure_table(dsn, f"orders_{baseline_rows}", baseline_rows)
            baseline = run_worker("sql_to_s3", f"orders_{baseline_rows}", env)
            if baseline is None:
                baseline_rows //= 2
    finally:
        stop_endpoint(endpoint, timeout_s=30)

    if copy_psycopg is not None and copy is not copy_psycopg:
        print(
            f"bench: COPY into /dev/null: psql {copy['seconds']:.2f} s (the floor below);"
            f" through psycopg {copy_psycopg['seconds']:.2f} s"
        )
    print(
        "bench: readers (read only, same table): "
        + " ".join(f"{m}_s={r['seconds']:.2f}" for m, r in readers.items() if r is not None)
    )
    if ours_two is not None:
        print(
            f"bench: ours on {ours['read_connections']} connection(s) (default, {os.cpu_count()} cores):"
            f" {ours['seconds']:.2f} s, peak {ours['peak_mb']:.0f} MB; on 2 connections sharing the"
            f" snapshot: {ours_two['seconds']:.2f} s, peak {ours_two['peak_mb']:.0f} MB"
        )
    print(
        f"bench: ours at {half:,} rows: {ours_half['seconds']:.2f} s, peak {ours_half['peak_mb']:.0f} MB;"
        f" at {rows:,} rows: peak {ours['peak_mb']:.0f} MB (flat if equal within noise)"
    )
    if baseline is None:
        sql_s, sql_peak, speedup = float("nan"), float("nan"), float("nan")
    else:
        sql_s, sql_peak = baseline["seconds"], baseline["peak_mb"]
        # Compare throughput, so a baseline measured on fewer rows is still a fair comparison.
        speedup = (rows / ours["seconds"]) / (baseline_rows / sql_s)
        if baseline_rows != (args.sql_to_s3_rows or rows):
            asked = args.sql_to_s3_rows or rows
            print(f"bench: SqlToS3Operator did not survive {asked:,} rows; measured at {baseline_rows:,}")
    print(
        f"export: rows={rows} ours_s={ours['seconds']:.2f} ours_peak_mb={ours['peak_mb']:.0f}"
        f" sql_to_s3_s={sql_s:.2f} sql_to_s3_peak_mb={sql_peak:.0f} copy_s={copy['seconds']:.2f}"
        f" speedup_vs_sql_to_s3={speedup:.1f}x vs_copy={ours['seconds'] / copy['seconds']:.2f}x"
    )
    return 0


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": "test", "aws_secret_access_key": "test"}


if __name__ == "__main__":
    sys.exit(main())
