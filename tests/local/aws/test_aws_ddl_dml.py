"""Athena DDL/DML against the Glue catalog and S3, with the rules Athena enforces."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
from aws_helpers import Lake


def _orders(lake: Lake) -> None:
    for day, ids in (("2024-01-01", [1, 2]), ("2024-01-02", [3])):
        lake.put_parquet(
            f"raw/orders/dt={day}/part-0.parquet",
            {"id": ids, "amount": [10.0 * i for i in ids], "customer": [f"c{i % 2}" for i in ids]},
        )
    lake.ok(
        "CREATE EXTERNAL TABLE orders (id bigint, amount double, customer string) "
        f"PARTITIONED BY (dt string) STORED AS PARQUET LOCATION 's3://{lake.bucket}/raw/orders/'"
    )
    lake.ok("MSCK REPAIR TABLE orders")


def test_create_database_registers_it_in_glue(lake: Lake) -> None:
    name = f"{lake.database}_new"
    lake.ok(f"CREATE DATABASE {name} COMMENT 'gold layer' LOCATION 's3://{lake.bucket}/gold/'")
    database = lake.glue.get_database(Name=name)["Database"]
    assert database["Description"] == "gold layer"
    assert (
        lake.query(f"CREATE DATABASE {name}").reason
        == f"SCHEMA_ALREADY_EXISTS: Schema '{name}' already exists"
    )
    lake.ok(f"CREATE DATABASE IF NOT EXISTS {name}")


def test_msck_repair_registers_hive_partitions_and_show_partitions_lists_them(lake: Lake) -> None:
    _orders(lake)
    assert lake.ok("SHOW PARTITIONS orders").rows == [["dt=2024-01-01"], ["dt=2024-01-02"]]
    assert lake.ok("SELECT dt, count(*) FROM orders GROUP BY dt ORDER BY dt").rows == [
        ["2024-01-01", "2"],
        ["2024-01-02", "1"],
    ]


def test_ctas_writes_partitioned_parquet_with_requested_compression_and_registers_table(lake: Lake) -> None:
    _orders(lake)
    lake.ok(
        "CREATE TABLE daily WITH (format = 'PARQUET', write_compression = 'ZSTD', "
        f"external_location = 's3://{lake.bucket}/gold/daily/', partitioned_by = ARRAY['dt']) AS "
        "SELECT customer, sum(amount) AS revenue, dt FROM orders GROUP BY customer, dt"
    )
    table = lake.glue.get_table(DatabaseName=lake.database, Name="daily")["Table"]
    assert [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]] == [
        ("customer", "string"),
        ("revenue", "double"),
    ]
    assert table["PartitionKeys"] == [{"Name": "dt", "Type": "string"}]
    keys = lake.keys("gold/daily/")
    assert {k.split("/")[2] for k in keys} == {"dt=2024-01-01", "dt=2024-01-02"}
    body = lake.s3.get_object(Bucket=lake.bucket, Key=keys[0])["Body"].read()
    metadata = pq.ParquetFile(io.BytesIO(body)).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert metadata.schema.names == ["customer", "revenue"]
    assert lake.ok("SELECT dt, revenue FROM daily WHERE customer = 'c1' ORDER BY dt").rows == [
        ["2024-01-01", "10.0"],
        ["2024-01-02", "30.0"],
    ]


def test_ctas_into_non_empty_location_fails(lake: Lake) -> None:
    lake.s3.put_object(Bucket=lake.bucket, Key="gold/taken/old.parquet", Body=b"x")
    outcome = lake.query(
        f"CREATE TABLE t WITH (external_location = 's3://{lake.bucket}/gold/taken/') AS SELECT 1 AS a"
    )
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith("HIVE_PATH_ALREADY_EXISTS")
    assert "t" not in [t["Name"] for t in lake.glue.get_tables(DatabaseName=lake.database)["TableList"]]


def test_ctas_requires_partition_columns_last(lake: Lake) -> None:
    outcome = lake.query(
        f"CREATE TABLE t WITH (external_location = 's3://{lake.bucket}/t/', partitioned_by = ARRAY['dt']) "
        "AS SELECT '2024-01-01' AS dt, 1 AS a"
    )
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith("HIVE_COLUMN_ORDER_MISMATCH")
    assert lake.keys("t/") == []


def test_ctas_over_100_partitions_fails_with_too_many_open_partitions(lake: Lake) -> None:
    outcome = lake.query(
        f"CREATE TABLE t WITH (external_location = 's3://{lake.bucket}/t/', partitioned_by = ARRAY['p']) "
        "AS SELECT x AS v, CAST(x AS varchar) AS p FROM UNNEST(sequence(1, 101)) AS u(x)"
    )
    assert outcome.state == "FAILED"
    assert outcome.reason.startswith("HIVE_TOO_MANY_OPEN_PARTITIONS")
    ok = lake.query(
        f"CREATE TABLE t2 WITH (external_location = 's3://{lake.bucket}/t2/', partitioned_by = ARRAY['p']) "
        "AS SELECT x AS v, CAST(x AS varchar) AS p FROM UNNEST(sequence(1, 100)) AS u(x)"
    )
    assert ok.state == "SUCCEEDED"
    assert len(lake.ok("SHOW PARTITIONS t2").rows) == 100


def test_ctas_without_external_location_writes_under_the_output_location(lake: Lake) -> None:
    outcome = lake.ok("CREATE TABLE plain AS SELECT 1 AS a")
    location = lake.glue.get_table(DatabaseName=lake.database, Name="plain")["Table"]["StorageDescriptor"][
        "Location"
    ]
    assert location == f"{lake.output}tables/{outcome.query_id}/"
    assert lake.ok("SELECT a FROM plain").rows == [["1"]]


def test_insert_into_appends_rows_and_registers_new_partitions(lake: Lake) -> None:
    _orders(lake)
    lake.ok("INSERT INTO orders SELECT 9, 90.0, 'c9', '2024-01-03'")
    lake.ok("INSERT INTO orders (id, dt, amount) VALUES (10, '2024-01-01', 1.0)")
    assert lake.ok("SHOW PARTITIONS orders").rows[-1] == ["dt=2024-01-03"]
    assert lake.ok("SELECT count(*), sum(amount), count(customer) FROM orders").rows == [["5", "151.0", "4"]]
    assert any(k.startswith("raw/orders/dt=2024-01-03/") for k in lake.keys("raw/orders/"))


def test_insert_into_over_100_partitions_fails_and_registers_nothing(lake: Lake) -> None:
    _orders(lake)
    outcome = lake.query(
        "INSERT INTO orders SELECT x, 1.0, 'c', CAST(x AS varchar) FROM UNNEST(sequence(1, 150)) t(x)"
    )
    assert outcome.reason.startswith("HIVE_TOO_MANY_OPEN_PARTITIONS")
    assert len(lake.ok("SHOW PARTITIONS orders").rows) == 2


def test_alter_table_add_drop_partition_and_set_location(lake: Lake) -> None:
    _orders(lake)
    lake.put_parquet("elsewhere/p.parquet", {"id": [7], "amount": [7.0], "customer": ["c7"]})
    lake.ok(f"ALTER TABLE orders ADD PARTITION (dt = '2024-02-01') LOCATION 's3://{lake.bucket}/elsewhere/'")
    assert lake.ok("SELECT id FROM orders WHERE dt = '2024-02-01'").rows == [["7"]]
    assert lake.query("ALTER TABLE orders ADD PARTITION (dt = '2024-02-01')").reason.startswith(
        "ALREADY_EXISTS"
    )
    lake.ok("ALTER TABLE orders ADD IF NOT EXISTS PARTITION (dt = '2024-02-01')")
    lake.ok(
        "ALTER TABLE orders PARTITION (dt = '2024-02-01') SET LOCATION "
        f"'s3://{lake.bucket}/raw/orders/dt=2024-01-02/'"
    )
    assert lake.ok("SELECT id FROM orders WHERE dt = '2024-02-01'").rows == [["3"]]
    lake.ok("ALTER TABLE orders DROP PARTITION (dt = '2024-02-01')")
    assert lake.ok("SELECT count(*) FROM orders").rows == [["3"]]
    assert lake.keys("elsewhere/") == ["elsewhere/p.parquet"]


def test_alter_table_set_location_repoints_an_unpartitioned_table(lake: Lake) -> None:
    lake.put_parquet("v1/a.parquet", {"x": [1]})
    lake.put_parquet("v2/a.parquet", {"x": [2]})
    lake.ok(f"CREATE EXTERNAL TABLE t (x int) STORED AS PARQUET LOCATION 's3://{lake.bucket}/v1/'")
    lake.ok(f"ALTER TABLE t SET LOCATION 's3://{lake.bucket}/v2/'")
    assert lake.ok("SELECT x FROM t").rows == [["2"]]


def test_view_is_stored_in_glue_and_queryable(lake: Lake) -> None:
    _orders(lake)
    lake.ok(
        "CREATE OR REPLACE VIEW by_customer AS SELECT customer, sum(amount) AS total FROM orders GROUP BY 1"
    )
    lake.ok(
        "CREATE OR REPLACE VIEW by_customer AS "
        "SELECT customer, sum(amount) AS total FROM orders GROUP BY customer"
    )
    table = lake.glue.get_table(DatabaseName=lake.database, Name="by_customer")["Table"]
    assert table["TableType"] == "VIRTUAL_VIEW"
    assert table["ViewOriginalText"].startswith("/* Presto View: ")
    assert lake.ok("SELECT * FROM by_customer ORDER BY customer").rows == [["c0", "20.0"], ["c1", "40.0"]]


def test_drop_table_removes_catalog_entry_but_keeps_data(lake: Lake) -> None:
    _orders(lake)
    lake.ok("DROP TABLE orders")
    assert lake.query("SELECT * FROM orders").reason.startswith("TABLE_NOT_FOUND")
    assert len(lake.keys("raw/orders/")) == 2
    lake.ok("DROP TABLE IF EXISTS orders")
    assert lake.query("DROP TABLE orders").reason.startswith("TABLE_NOT_FOUND")


def test_show_tables_and_describe_list_catalog_metadata(lake: Lake) -> None:
    _orders(lake)
    lake.ok("CREATE TABLE other AS SELECT 1 AS a")
    assert lake.ok("SHOW TABLES").rows == [["orders"], ["other"]]
    assert lake.ok("SHOW TABLES 'ord*'").rows == [["orders"]]
    described = [r[0].split("\t")[0].strip() for r in lake.ok("DESCRIBE orders").rows]
    assert described[:4] == ["id", "amount", "customer", "dt"]
    assert "# Partition Information" in described


def test_new_column_in_table_reads_as_null_from_older_files(lake: Lake) -> None:
    _orders(lake)
    lake.ok("ALTER TABLE orders ADD COLUMNS (channel string)")
    assert lake.ok("SELECT count(*), count(channel) FROM orders").rows == [["3", "0"]]


def test_ctas_with_no_data_creates_the_table_and_writes_nothing(lake: Lake) -> None:
    _orders(lake)
    lake.ok(
        "CREATE TABLE empty_daily WITH (format = 'PARQUET', "
        f"external_location = 's3://{lake.bucket}/gold/empty_daily/', partitioned_by = ARRAY['dt']) AS "
        "SELECT customer, sum(amount) AS revenue, dt FROM orders GROUP BY customer, dt WITH NO DATA"
    )
    table = lake.glue.get_table(DatabaseName=lake.database, Name="empty_daily")["Table"]
    assert [c["Name"] for c in table["StorageDescriptor"]["Columns"]] == ["customer", "revenue"]
    assert lake.keys("gold/empty_daily/") == []
    assert lake.ok("SELECT count(*) FROM empty_daily").rows == [["0"]]
    lake.ok("INSERT INTO empty_daily SELECT customer, sum(amount), dt FROM orders GROUP BY customer, dt")
    assert lake.ok("SELECT count(*) FROM empty_daily").rows == [["3"]]
