"""The local Athena cannot touch the local filesystem, at either of the two depths sandbox.py builds.

Over HTTP, as a client sees it: every way SQL could name a local file (DuckDB's file readers in
FROM or in a CTAS, INSERT or view, a path in FROM, a relation named like a file outside the CTE
that declares it, COPY, ATTACH, extensions, EXPORT DATABASE, a view body written straight into
Glue) fails with the error Athena gives, and no file outside the lake is read or written; the
lake itself is still read and written.

Then DuckDB's own fence, with the SQL checks out of the way: the engine's database refuses any
file outside the engine's directories and refuses to be unlocked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from aws_helpers import Lake

from local.aws.catalog import Catalog
from local.aws.engine import Engine
from local.aws.scan import ParquetSchemas
from local.aws.statement import QueryContext, duckdb_error
from local.aws.storage import S3Store

SECRET = f"LAKEHOUSE_PII_SECRET={uuid.uuid4().hex}"
STATEMENT_STARTS = "Expecting: 'ALTER', 'ANALYZE', 'CALL', "


@dataclass(frozen=True)
class Outside:
    """Files outside the lake that the endpoint's user can read, as `.local/env` is."""

    root: Path
    env: Path
    csv: Path
    parquet: Path

    def files(self) -> set[Path]:
        return set(self.root.rglob("*"))

    def fill(self, sql: str) -> str:
        return sql.format(env=self.env, csv=self.csv, parquet=self.parquet, dir=self.root)


@pytest.fixture
def outside(tmp_path: Path) -> Outside:
    root = tmp_path / "outside"
    (root / ".local").mkdir(parents=True)
    env = root / ".local" / "env"
    env.write_text(f"{SECRET}\n")
    csv = root / "secrets.csv"
    csv.write_text(f"name,value\nsecret,{SECRET}\n")
    parquet = root / "secrets.parquet"
    pq.write_table(pa.table({"secret": [SECRET]}), parquet)
    return Outside(root, env, csv, parquet)


def _refused(lake: Lake, outside: Outside, sql: str) -> str:
    """Run a statement that must fail without reading or writing a file; returns its reason."""
    before = outside.files()
    outcome = lake.query(outside.fill(sql))
    assert outcome.state == "FAILED", f"{sql!r} ran: {outcome.rows}"
    assert outcome.reason is not None and SECRET not in outcome.reason
    assert outside.files() == before
    return outcome.reason


# (sql, the reason Athena gives): DuckDB's table functions and host-state functions are not
# Athena's, so they are unregistered functions, wherever they are called.
UNREGISTERED_FUNCTIONS: list[tuple[str, str]] = [
    ("SELECT * FROM read_text('{env}')", "line 1:15: Table function 'read_text' not registered"),
    ("SELECT * FROM read_csv('{csv}')", "line 1:15: Table function 'read_csv' not registered"),
    ("SELECT * FROM read_csv_auto('{env}')", "line 1:15: Table function 'read_csv_auto' not registered"),
    ("SELECT * FROM read_parquet('{parquet}')", "line 1:15: Table function 'read_parquet' not registered"),
    ("SELECT * FROM parquet_scan('{parquet}')", "line 1:15: Table function 'parquet_scan' not registered"),
    ("SELECT * FROM read_blob('{env}')", "line 1:15: Table function 'read_blob' not registered"),
    ("SELECT * FROM read_json('{env}')", "line 1:15: Table function 'read_json' not registered"),
    ("SELECT * FROM glob('{dir}/*')", "line 1:15: Table function 'glob' not registered"),
    ("SELECT count(*) FROM glob('{dir}/.local/*')", "line 1:22: Table function 'glob' not registered"),
    ("SELECT * FROM TABLE(read_text('{env}'))", "line 1:15: Table function 'read_text' not registered"),
    ("SELECT * FROM LATERAL read_text('{env}')", "line 1:23: Table function 'read_text' not registered"),
    (
        "SELECT x\nFROM (VALUES 1) t(x)\nCROSS JOIN read_text('{env}')",
        "line 3:12: Table function 'read_text' not registered",
    ),
    (
        "SELECT (SELECT max(content) FROM read_text('{env}'))",
        "line 1:34: Table function 'read_text' not registered",
    ),
    ("SELECT * FROM query('SELECT 1')", "line 1:15: Table function 'query' not registered"),
    ("SELECT * FROM duckdb_settings()", "line 1:15: Table function 'duckdb_settings' not registered"),
    ("SELECT read_text('{env}')", "line 1:8: Function 'read_text' not registered"),
    ("SELECT current_setting('temp_directory')", "line 1:8: Function 'current_setting' not registered"),
    ("SELECT getenv('HOME')", "line 1:8: Function 'getenv' not registered"),
]


@pytest.mark.parametrize(("sql", "message"), UNREGISTERED_FUNCTIONS)
def test_duckdb_file_and_host_functions_are_unregistered(
    lake: Lake, outside: Outside, sql: str, message: str
) -> None:
    assert _refused(lake, outside, sql) == f"FUNCTION_NOT_FOUND: {message}"


# DuckDB statements Athena's grammar does not have fail where Athena's parser fails.
DUCKDB_STATEMENTS: list[tuple[str, str]] = [
    ("COPY (SELECT 1 AS x) TO '{dir}/copied.csv'", "COPY"),
    ("COPY (SELECT 1 AS x) TO '{dir}/copied.parquet' (FORMAT PARQUET)", "COPY"),
    ("ATTACH '{dir}/attached.db' AS stolen", "ATTACH"),
    ("INSTALL httpfs", "INSTALL"),
    ("LOAD httpfs", "LOAD"),
    ("PRAGMA version", "PRAGMA"),
    ("EXPORT DATABASE '{dir}/exported'", "EXPORT"),
    ("IMPORT DATABASE '{dir}'", "IMPORT"),
    ("FROM '{csv}'", "FROM"),
    ("SUMMARIZE SELECT 1", "SUMMARIZE"),
    ("/* a comment first */ copy (SELECT 1) TO '{dir}/copied.csv'", "copy"),
]


@pytest.mark.parametrize(("sql", "word"), DUCKDB_STATEMENTS)
def test_duckdb_statements_are_syntax_errors(lake: Lake, outside: Outside, sql: str, word: str) -> None:
    reason = _refused(lake, outside, sql)
    assert reason.startswith("SYNTAX_ERROR: line 1:")
    assert f"mismatched input '{word}'. {STATEMENT_STARTS}" in reason


def test_copy_from_a_local_file_changes_nothing(lake: Lake, outside: Outside) -> None:
    lake.ok("CREATE TABLE t AS SELECT 'lake' AS name, 'value' AS value")
    reason = _refused(lake, outside, "COPY t FROM '{csv}'")
    assert reason.startswith(f"SYNTAX_ERROR: line 1:1: mismatched input 'COPY'. {STATEMENT_STARTS}")
    assert lake.ok("SELECT name, value FROM t").rows == [["lake", "value"]]


def test_set_is_not_run(lake: Lake, outside: Outside) -> None:
    reason = _refused(lake, outside, "SET enable_external_access = true")
    assert reason.startswith("NOT_SUPPORTED: ")
    assert _refused(lake, outside, "SELECT * FROM read_text('{env}')").startswith("FUNCTION_NOT_FOUND")


def test_a_string_literal_in_from_is_a_syntax_error(lake: Lake, outside: Outside) -> None:
    reason = _refused(lake, outside, "SELECT * FROM '{env}'")
    assert reason == (
        f"SYNTAX_ERROR: line 1:15: mismatched input ''{outside.env}''. "
        "Expecting: '(', 'LATERAL', 'TABLE', 'UNNEST', <identifier>"
    )


def test_a_quoted_path_in_from_is_a_missing_table(lake: Lake, outside: Outside) -> None:
    reason = _refused(lake, outside, 'SELECT * FROM "{csv}"')
    assert reason == (
        f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{lake.database}.{str(outside.csv).lower()}' "
        "does not exist"
    )


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT * FROM (WITH "{csv}" AS (SELECT 1 AS x) SELECT x FROM "{csv}") AS q, "{csv}"',
        'WITH early AS (SELECT * FROM "{csv}"), "{csv}" AS (SELECT 1 AS x) SELECT * FROM early',
    ],
    ids=["beside-the-query", "before-the-cte"],
)
def test_a_name_where_no_cte_of_that_name_is_visible_is_a_catalog_table(
    lake: Lake, outside: Outside, sql: str
) -> None:
    """A CTE named like a file is visible in its own query, after its declaration; elsewhere the
    name is a table, as in Trino.

    Matched against every CTE of the statement, such a name reached DuckDB unresolved, and
    DuckDB read the file it names.
    """
    reason = _refused(lake, outside, sql)
    assert reason.startswith("TABLE_NOT_FOUND: ") and f"Table 'awsdatacatalog.{lake.database}." in reason
    visible = f'WITH "{outside.csv}" AS (SELECT 1 AS x), later AS (SELECT x FROM "{outside.csv}") '
    assert lake.ok(f'{visible} SELECT l.x FROM later AS l, "{outside.csv}"').rows == [["1"]]


def test_ctas_insert_and_views_cannot_read_local_files(lake: Lake, outside: Outside) -> None:
    lake.ok("CREATE TABLE t AS SELECT 'lake' AS content")
    assert _refused(lake, outside, "CREATE TABLE stolen AS SELECT * FROM read_csv('{csv}')") == (
        "FUNCTION_NOT_FOUND: line 1:38: Table function 'read_csv' not registered"
    )
    assert _refused(lake, outside, "INSERT INTO t SELECT content FROM read_text('{env}')") == (
        "FUNCTION_NOT_FOUND: line 1:35: Table function 'read_text' not registered"
    )
    assert _refused(lake, outside, "CREATE VIEW v AS SELECT * FROM read_text('{env}')") == (
        "FUNCTION_NOT_FOUND: line 1:32: Table function 'read_text' not registered"
    )
    tables = lake.glue.get_tables(DatabaseName=lake.database)["TableList"]
    assert [t["Name"] for t in tables] == ["t"]
    assert lake.ok("SELECT content FROM t").rows == [["lake"]]


def test_a_view_written_into_glue_cannot_read_local_files(lake: Lake, outside: Outside) -> None:
    """A view body comes from Glue, where any client can write one; it is checked like a statement."""
    lake.glue.create_table(
        DatabaseName=lake.database,
        TableInput={
            "Name": "leak",
            "TableType": "VIRTUAL_VIEW",
            "ViewOriginalText": outside.fill("SELECT content FROM read_text('{env}')"),
            "StorageDescriptor": {"Columns": [{"Name": "content", "Type": "string"}]},
        },
    )
    assert _refused(lake, outside, "SELECT * FROM leak") == (
        "FUNCTION_NOT_FOUND: line 1:21: Table function 'read_text' not registered"
    )


def test_the_lake_is_still_read_and_written(lake: Lake) -> None:
    """The mirror, the Hive layout and the scratch directory are the engine's: all still work."""
    lake.orders_by_day()
    lake.ok(
        f"CREATE TABLE daily WITH (external_location = 's3://{lake.bucket}/gold/daily/', "
        "partitioned_by = ARRAY['dt']) AS "
        "SELECT count(*) AS n, sum(amount) AS total, dt FROM orders GROUP BY dt"
    )
    lake.ok("INSERT INTO daily SELECT 0, 0.0, '2024-01-03'")
    assert lake.ok("SELECT dt, n, total FROM daily ORDER BY dt").rows == [
        ["2024-01-01", "2", "4.5"],
        ["2024-01-02", "1", "4.5"],
        ["2024-01-03", "0", "0.0"],
    ]


# -- DuckDB's own fence, below the SQL checks ------------------------------------------------
@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """An engine on directories of its own: the same construction the endpoint makes per account."""
    work = tmp_path / "work"
    for name in ("mirror", "scratch", "layout"):
        (work / name).mkdir(parents=True)
    return Engine(
        Catalog("123456789012", "us-east-1"),
        S3Store("123456789012", work / "mirror"),
        ParquetSchemas(),
        work / "scratch",
        work / "layout",
    )


@pytest.fixture
def con(engine: Engine) -> duckdb.DuckDBPyConnection:
    """A statement's connection, as the engine hands one to a query."""
    return engine._connect(QueryContext("sandbox-test", "default", None))


def test_duckdb_reads_the_mirror_writes_scratch_and_spills_in_the_work_dir(
    engine: Engine, con: duckdb.DuckDBPyConnection
) -> None:
    mirrored = engine.store.mirror_dir / "ab" / "object.parquet"
    mirrored.parent.mkdir()
    pq.write_table(pa.table({"x": [1, 2]}), mirrored)
    assert con.sql(f"SELECT sum(x) FROM read_parquet(['{mirrored}'])").fetchall() == [(3,)]
    written = engine.scratch_dir / "query-1" / "part-0"
    written.parent.mkdir()
    con.execute(f"COPY (SELECT 42 AS x) TO '{written}' (FORMAT PARQUET)")
    assert pq.read_table(written).to_pylist() == [{"x": 42}]
    [(spill,)] = con.sql("SELECT current_setting('temp_directory')").fetchall()
    assert Path(spill).parent == engine.scratch_dir.parent / "spill"  # not the working directory's .tmp


def test_duckdb_refuses_files_outside_the_engines_directories(
    engine: Engine, con: duckdb.DuckDBPyConnection, outside: Outside
) -> None:
    mirror = engine.store.mirror_dir
    sibling = mirror.parent / f"{mirror.name}-sibling"  # shares the mirror's name as a prefix
    sibling.mkdir()
    (sibling / "x.csv").write_text("a\n1\n")
    reads = [
        f"SELECT * FROM read_text('{outside.env}')",
        f"SELECT * FROM read_csv('{outside.csv}')",
        f"SELECT * FROM read_parquet('{outside.parquet}')",
        f"SELECT * FROM '{outside.csv}'",
        f"SELECT * FROM glob('{outside.root}/*')",
        f"SELECT * FROM read_text('{mirror}/../../outside/.local/env')",
        f"SELECT * FROM read_csv('{sibling}/x.csv')",
        f"SELECT * FROM query('SELECT * FROM read_text(''{outside.env}'')')",
    ]
    for sql in reads:
        with pytest.raises(duckdb.PermissionException) as caught:
            con.sql(sql).fetchall()
        assert SECRET not in str(caught.value)
        assert duckdb_error(caught.value).name == "PERMISSION_DENIED"
    before = outside.files()
    writes = [
        f"COPY (SELECT 1 AS x) TO '{outside.root}/copied.csv'",
        f"ATTACH '{outside.root}/attached.db' AS stolen",
        f"EXPORT DATABASE '{outside.root}/exported'",
        "INSTALL httpfs",
        "LOAD httpfs",
    ]
    for sql in writes:
        with pytest.raises(duckdb.PermissionException):
            con.execute(sql)
    assert outside.files() == before


@pytest.mark.parametrize(
    "sql",
    [
        "SET GLOBAL enable_external_access = true",
        "RESET enable_external_access",
        "SET GLOBAL allowed_directories = ['/']",
        "SET GLOBAL allowed_paths = ['/etc/passwd']",
        "SET GLOBAL temp_directory = '/tmp'",
        "SET GLOBAL autoload_known_extensions = true",
        "SET GLOBAL lock_configuration = false",
        "PRAGMA enable_profiling = 'json'",
    ],
)
def test_duckdb_configuration_is_locked(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    with pytest.raises(duckdb.InvalidInputException, match="the configuration has been locked"):
        con.execute(sql)
