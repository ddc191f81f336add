"""The endpoint caches translated SQL and table scans; every way the data or catalog can change shows.

Each test runs the same SELECT text before and after a change (so the cached translation and
scan are in play), through a different path: Athena DDL, the Glue API, S3 writes and deletes,
a crawler, and partition values that need escaping in the local Hive-style file layout.
"""

from __future__ import annotations

import concurrent.futures
import time

from aws_helpers import Lake, client

COUNT = "SELECT dt, count(*) AS n, sum(x) AS s FROM t GROUP BY dt ORDER BY dt"


def _table(lake: Lake, days: tuple[str, ...] = ("2024-01-01", "2024-01-02")) -> None:
    for i, day in enumerate(days):
        lake.put_parquet(f"t/dt={day}/part-0.parquet", {"x": [i + 1] * (i + 1)})
    lake.ok(
        "CREATE EXTERNAL TABLE t (x bigint) PARTITIONED BY (dt string) "
        f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/t/'"
    )
    lake.ok("MSCK REPAIR TABLE t")


def test_add_and_drop_partition_are_seen_by_the_next_query(lake: Lake) -> None:
    _table(lake)
    assert lake.ok(COUNT).rows == [["2024-01-01", "1", "1"], ["2024-01-02", "2", "4"]]
    lake.put_parquet("elsewhere/day3/part-0.parquet", {"x": [10, 20]})
    lake.ok(f"ALTER TABLE t ADD PARTITION (dt='2024-01-03') LOCATION 's3://{lake.bucket}/elsewhere/day3/'")
    assert lake.ok(COUNT).rows[-1] == ["2024-01-03", "2", "30"]
    lake.ok("ALTER TABLE t DROP PARTITION (dt='2024-01-01')")
    assert [r[0] for r in lake.ok(COUNT).rows] == ["2024-01-02", "2024-01-03"]


def test_partition_and_table_set_location_are_seen_by_the_next_query(lake: Lake) -> None:
    _table(lake)
    assert lake.ok(COUNT).rows[0] == ["2024-01-01", "1", "1"]
    lake.put_parquet("moved/part-0.parquet", {"x": [7, 7, 7]})
    lake.ok(f"ALTER TABLE t PARTITION (dt='2024-01-01') SET LOCATION 's3://{lake.bucket}/moved/'")
    assert lake.ok(COUNT).rows[0] == ["2024-01-01", "3", "21"]

    lake.put_parquet("flat_a/part-0.parquet", {"x": [1, 2]})
    lake.put_parquet("flat_b/part-0.parquet", {"x": [5]})
    lake.ok(f"CREATE EXTERNAL TABLE flat (x bigint) STORED AS PARQUET LOCATION 's3://{lake.bucket}/flat_a/'")
    assert lake.ok("SELECT sum(x) FROM flat").rows == [["3"]]
    lake.ok(f"ALTER TABLE flat SET LOCATION 's3://{lake.bucket}/flat_b/'")
    assert lake.ok("SELECT sum(x) FROM flat").rows == [["5"]]


def test_new_overwritten_and_deleted_objects_are_seen_by_the_next_query(lake: Lake) -> None:
    _table(lake)
    assert lake.ok(COUNT).rows[1] == ["2024-01-02", "2", "4"]
    lake.put_parquet("t/dt=2024-01-02/part-1.parquet", {"x": [100]})  # a new file lands
    assert lake.ok(COUNT).rows[1] == ["2024-01-02", "3", "104"]
    lake.put_parquet("t/dt=2024-01-02/part-1.parquet", {"x": [200, 300]})  # rewritten in place
    assert lake.ok(COUNT).rows[1] == ["2024-01-02", "4", "504"]
    lake.s3.delete_object(Bucket=lake.bucket, Key="t/dt=2024-01-02/part-1.parquet")
    assert lake.ok(COUNT).rows[1] == ["2024-01-02", "2", "4"]
    lake.s3.delete_objects(
        Bucket=lake.bucket, Delete={"Objects": [{"Key": "t/dt=2024-01-02/part-0.parquet"}]}
    )
    assert lake.ok(COUNT).rows == [["2024-01-01", "1", "1"]]
    lake.s3.copy_object(
        Bucket=lake.bucket,
        Key="t/dt=2024-01-02/copy.parquet",
        CopySource={"Bucket": lake.bucket, "Key": "t/dt=2024-01-01/part-0.parquet"},
    )
    assert lake.ok(COUNT).rows[1] == ["2024-01-02", "1", "1"]


def test_unpartitioned_table_sees_new_files_and_query_results_do_not_disturb_it(lake: Lake) -> None:
    lake.put_parquet("plain/a.parquet", {"x": [1, 2, 3]})
    lake.ok(f"CREATE EXTERNAL TABLE plain (x bigint) STORED AS PARQUET LOCATION 's3://{lake.bucket}/plain/'")
    for _ in range(3):  # each query writes its result CSV to the same bucket
        assert lake.ok("SELECT count(*), sum(x) FROM plain").rows == [["3", "6"]]
    lake.put_parquet("plain/b.parquet", {"x": [4]})
    assert lake.ok("SELECT count(*), sum(x) FROM plain").rows == [["4", "10"]]
    lake.put_parquet("plain/_SUCCESS.parquet", {"x": [1000]})  # hidden: Athena skips it
    assert lake.ok("SELECT count(*), sum(x) FROM plain").rows == [["4", "10"]]


def test_glue_api_changes_are_seen_by_the_next_query(lake: Lake) -> None:
    _table(lake)
    assert len(lake.ok(COUNT).rows) == 2
    lake.put_parquet("via_glue/part-0.parquet", {"x": [9]})
    storage = lake.glue.get_table(DatabaseName=lake.database, Name="t")["Table"]["StorageDescriptor"]
    lake.glue.create_partition(
        DatabaseName=lake.database,
        TableName="t",
        PartitionInput={
            "Values": ["2024-02-01"],
            "StorageDescriptor": {**storage, "Location": f"s3://{lake.bucket}/via_glue/"},
        },
    )
    assert lake.ok(COUNT).rows[-1] == ["2024-02-01", "1", "9"]
    # A column added through the Glue API: files without it read NULL.
    table = lake.glue.get_table(DatabaseName=lake.database, Name="t")["Table"]
    storage = {**table["StorageDescriptor"]}
    storage["Columns"] = [*storage["Columns"], {"Name": "note", "Type": "string"}]
    lake.glue.update_table(
        DatabaseName=lake.database,
        TableInput={
            "Name": "t",
            "StorageDescriptor": storage,
            "PartitionKeys": table["PartitionKeys"],
            "TableType": table.get("TableType", "EXTERNAL_TABLE"),
        },
    )
    assert lake.ok("SELECT count(*), count(note) FROM t").rows == [["4", "0"]]


def test_insert_into_and_view_changes_are_seen_by_the_next_query(lake: Lake) -> None:
    _table(lake)
    lake.ok("CREATE VIEW v AS SELECT dt, x FROM t WHERE x > 1")
    assert lake.ok("SELECT count(*) FROM v").rows == [["2"]]
    lake.ok("INSERT INTO t VALUES (5, '2024-01-02'), (6, '2024-01-05')")
    assert lake.ok("SELECT count(*) FROM v").rows == [["4"]]
    lake.ok("CREATE OR REPLACE VIEW v AS SELECT dt, x FROM t WHERE x > 5")
    assert lake.ok("SELECT count(*) FROM v").rows == [["1"]]


def test_crawler_registered_partitions_are_seen_by_the_next_query(lake: Lake) -> None:
    lake.put_parquet("crawl/events/dt=2024-01-01/part-0.parquet", {"x": [1, 2]})
    name = f"crawler-{lake.bucket}"
    lake.glue.create_crawler(
        Name=name,
        Role=lake.crawler_role(),
        DatabaseName=lake.database,
        Targets={"S3Targets": [{"Path": f"s3://{lake.bucket}/crawl/events/"}]},
    )

    def crawl() -> None:
        lake.glue.start_crawler(Name=name)
        deadline = time.monotonic() + 30
        while lake.glue.get_crawler(Name=name)["Crawler"]["State"] != "READY" or (
            "LastCrawl" not in lake.glue.get_crawler(Name=name)["Crawler"]
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)

    crawl()
    query = "SELECT dt, sum(x) FROM events GROUP BY dt ORDER BY dt"
    assert lake.ok(query).rows == [["2024-01-01", "3"]]
    lake.put_parquet("crawl/events/dt=2024-01-02/part-0.parquet", {"x": [10]})
    time.sleep(0.05)
    crawl()
    assert lake.ok(query).rows == [["2024-01-01", "3"], ["2024-01-02", "10"]]


def test_partition_values_that_need_escaping_keep_their_exact_values(lake: Lake) -> None:
    values = ["a b", "x/y", "50%", "é", "k=v", "it's", "__HIVE_DEFAULT_PARTITION__", "NULL", ""]
    lake.ok(
        "CREATE EXTERNAL TABLE odd (x bigint) PARTITIONED BY (p string) "
        f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/odd/'"
    )
    for i, value in enumerate(values):
        lake.put_parquet(f"odd/{i}/part-0.parquet", {"x": [i]})
        literal = value.replace("'", "''")
        lake.ok(f"ALTER TABLE odd ADD PARTITION (p='{literal}') LOCATION 's3://{lake.bucket}/odd/{i}/'")
    rows = lake.ok("SELECT x, p, p IS NULL FROM odd ORDER BY x").rows
    expected = [
        [
            str(i),
            None if v == "__HIVE_DEFAULT_PARTITION__" else v,
            str(v == "__HIVE_DEFAULT_PARTITION__").lower(),
        ]
        for i, v in enumerate(values)
    ]
    assert rows == expected
    assert lake.ok("SELECT x FROM odd WHERE p = 'x/y'").rows == [["1"]]
    assert lake.ok("SELECT count(*) FROM odd WHERE p IS NULL").rows == [["1"]]


def test_typed_partition_keys_and_files_with_different_schemas(lake: Lake) -> None:
    lake.put_parquet("typed/year=2024/month=1/a.parquet", {"x": [1, 2]})
    lake.put_parquet("typed/year=2024/month=2/a.parquet", {"x": [3], "extra": ["e"]})
    lake.ok(
        "CREATE EXTERNAL TABLE typed (x bigint, extra string) PARTITIONED BY (year int, month int) "
        f"STORED AS PARQUET LOCATION 's3://{lake.bucket}/typed/'"
    )
    lake.ok("MSCK REPAIR TABLE typed")
    outcome = lake.ok("SELECT year, month, sum(x), max(extra) FROM typed GROUP BY 1, 2 ORDER BY 2")
    assert outcome.types == ["integer", "integer", "bigint", "varchar"]
    assert outcome.rows == [["2024", "1", "3", None], ["2024", "2", "3", "e"]]
    assert lake.ok("SELECT sum(x) FROM typed WHERE month = 2").rows == [["3"]]


def test_concurrent_repeated_queries_while_data_changes(lake: Lake) -> None:
    _table(lake)
    athena = client("athena", lake.url)

    def run(i: int) -> str:
        query_id = athena.start_query_execution(
            QueryString="SELECT count(*) FROM t",
            QueryExecutionContext={"Database": lake.database},
            ResultConfiguration={"OutputLocation": lake.output},
        )["QueryExecutionId"]
        execution = lake.wait(query_id)
        assert execution["Status"]["State"] == "SUCCEEDED", execution["Status"]
        rows = athena.get_query_results(QueryExecutionId=query_id)["ResultSet"]["Rows"]
        return rows[1]["Data"][0]["VarCharValue"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(run, range(16))) == {"3"}
        lake.put_parquet("t/dt=2024-01-03/part-0.parquet", {"x": [1]})
        lake.ok("MSCK REPAIR TABLE t")
        assert set(pool.map(run, range(16))) == {"4"}
