"""An Athena result read back as a typed frame, over HTTP from the local endpoint."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from lakehouse.quality.frame import declared_type, read_result
from tests.aws_helpers import Lake


def test_declared_types_use_glue_spelling_with_decimal_precision() -> None:
    assert declared_type({"Type": "varchar"}) == "string"
    assert declared_type({"Type": "integer"}) == "int"
    assert declared_type({"Type": "decimal", "Precision": 12, "Scale": 2}) == "decimal(12,2)"
    assert declared_type({"Type": "timestamp", "Precision": 3}) == "timestamp"


def test_every_type_reads_back_exact_with_nulls_kept_apart_from_empty_strings(lake: Lake) -> None:
    sql = """
        select * from (values
            (cast(1 as bigint), cast(7 as integer), cast(12.50 as decimal(12,2)), 'paid', '',
             timestamp '2026-11-02 10:11:12.345', date '2026-11-02', true, cast(0.5 as double)),
            (null, null, null, null, null, null, null, null, null)
        ) as t(id, qty, amount, status, note, at, day, ok, ratio)
    """
    query_id = lake.start(sql)
    assert lake.wait(query_id)["Status"]["State"] == "SUCCEEDED"
    frame, columns = read_result(lake.athena, lake.s3, query_id)
    assert [(c.name, c.athena_type) for c in columns] == [
        ("id", "bigint"),
        ("qty", "int"),
        ("amount", "decimal(12,2)"),
        ("status", "string"),
        ("note", "string"),
        ("at", "timestamp"),
        ("day", "date"),
        ("ok", "boolean"),
        ("ratio", "double"),
    ]
    first = frame.iloc[0].to_dict()
    assert first == {
        "id": 1,
        "qty": 7,
        "amount": Decimal("12.50"),
        "status": "paid",
        "note": "",
        "at": pd.Timestamp(datetime(2026, 11, 2, 10, 11, 12, 345000)),
        "day": date(2026, 11, 2),
        "ok": True,
        "ratio": 0.5,
    }
    assert frame.iloc[1].isna().all()
    assert str(frame["id"].dtype) == "int64[pyarrow]"


def test_an_empty_result_is_an_empty_frame_with_its_columns(lake: Lake) -> None:
    query_id = lake.start("select cast(1 as bigint) as id, 'x' as name where false")
    lake.wait(query_id)
    frame, columns = read_result(lake.athena, lake.s3, query_id)
    assert frame.empty and list(frame.columns) == ["id", "name"]
    assert [c.athena_type for c in columns] == ["bigint", "string"]
