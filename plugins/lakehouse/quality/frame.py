"""An Athena query's result as a typed pandas DataFrame, and the types Athena reports for it.

Why not GetQueryResults: it pages 1,000 rows at a time as strings. Athena leaves
the whole result as CSV in the output location; reading that with pyarrow,
typed from the result's own column metadata, is one GET and exact (decimals
stay decimals, timestamps stay timestamps). The frame uses pyarrow-backed
dtypes so that nulls in integer columns stay nulls rather than turning floats.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

ATHENA_TO_DECLARED = {"varchar": "string", "char": "string", "integer": "int", "real": "float"}


@dataclass(frozen=True)
class ResultColumn:
    name: str
    athena_type: str  # as a suite declares it: bigint, string, decimal(12,2), ...


def declared_type(info: dict[str, Any]) -> str:
    """A result column's type in the spelling suites and Glue use."""
    kind = info["Type"].lower()
    if kind == "decimal":
        return f"decimal({info['Precision']},{info['Scale']})"
    return ATHENA_TO_DECLARED.get(kind, kind)


def arrow_type(declared: str) -> pa.DataType:
    import pyarrow as pa

    if declared.startswith("decimal("):
        precision, scale = (int(part) for part in declared[8:-1].split(","))
        return pa.decimal128(precision, scale)
    return {
        "bigint": pa.int64(),
        "int": pa.int32(),
        "smallint": pa.int16(),
        "tinyint": pa.int8(),
        "double": pa.float64(),
        "float": pa.float32(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("ms"),
    }.get(declared, pa.string())


def result_columns(athena_client: Any, query_id: str) -> list[ResultColumn]:
    response = athena_client.get_query_results(QueryExecutionId=query_id, MaxResults=1)
    infos = response["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    return [ResultColumn(info["Name"], declared_type(info)) for info in infos]


def read_result(athena_client: Any, s3_client: Any, query_id: str) -> tuple[pd.DataFrame, list[ResultColumn]]:
    """The result of a finished SELECT: a DataFrame with one pyarrow dtype per column, and its columns."""
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv

    columns = result_columns(athena_client, query_id)
    execution = athena_client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
    bucket, key = execution["ResultConfiguration"]["OutputLocation"].removeprefix("s3://").split("/", 1)
    body = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
    schema = pa.schema([(c.name, arrow_type(c.athena_type)) for c in columns])
    if not body.strip():
        table = schema.empty_table()
    else:
        table = csv.read_csv(
            io.BytesIO(body),
            # Athena quotes every value and writes NULL as an empty unquoted field
            convert_options=csv.ConvertOptions(
                column_types=schema,
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                timestamp_parsers=[csv.ISO8601],  # "2026-11-02 10:11:12.345"
            ),
            read_options=csv.ReadOptions(use_threads=False),
        )
    return table.to_pandas(types_mapper=pd.ArrowDtype), columns
