"""Column types across the three vocabularies the endpoint speaks.

Glue stores Hive DDL type strings (``array<struct<a:int>>``), DuckDB executes with its own
types, and Athena reports Trino type names in ``GetQueryResults``. Rendering values as text
follows Athena too (``true``, ``1.0E10``, ``2024-01-02 03:04:05.000``, ``{k=v}``), because
clients such as PyAthena parse that text by the reported type name.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from dataclasses import dataclass
from typing import Any

import duckdb

_HIVE_SCALARS = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "tinyint": "TINYINT",
    "double": "DOUBLE",
    "float": "FLOAT",
    "real": "FLOAT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "binary": "BLOB",
    "decimal": "DECIMAL(10,0)",
}


class TypeParseError(ValueError):
    """A Glue/Hive type string the endpoint cannot read."""


@dataclass
class _Cursor:
    text: str
    pos: int = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, char: str) -> None:
        self.skip_ws()
        if self.peek() != char:
            raise TypeParseError(f"expected {char!r} at {self.pos} in {self.text!r}")
        self.pos += 1

    def skip_ws(self) -> None:
        while self.peek().isspace():
            self.pos += 1

    def word(self) -> str:
        self.skip_ws()
        match = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|`[^`]+`").match(self.text, self.pos)
        if not match:
            raise TypeParseError(f"expected a name at {self.pos} in {self.text!r}")
        self.pos = match.end()
        return match.group(0).strip("`")


def hive_to_duckdb(hive_type: str) -> str:
    """Translate a Glue column type (Hive DDL) into a DuckDB type expression."""
    cursor = _Cursor(hive_type.strip())
    result = _parse_hive(cursor)
    cursor.skip_ws()
    if cursor.pos != len(cursor.text):
        raise TypeParseError(f"trailing text in type {hive_type!r}")
    return result


def _parse_hive(cur: _Cursor) -> str:
    name = cur.word().lower()
    cur.skip_ws()
    if name == "array":
        cur.expect("<")
        inner = _parse_hive(cur)
        cur.expect(">")
        return f"{inner}[]"
    if name == "map":
        cur.expect("<")
        key = _parse_hive(cur)
        cur.expect(",")
        value = _parse_hive(cur)
        cur.expect(">")
        return f"MAP({key}, {value})"
    if name in ("struct", "row"):
        cur.expect("<")
        fields = []
        while True:
            field = cur.word()
            cur.skip_ws()
            if cur.peek() == ":":
                cur.pos += 1
            fields.append(f'"{field}" {_parse_hive(cur)}')
            cur.skip_ws()
            if cur.peek() == ",":
                cur.pos += 1
                continue
            cur.expect(">")
            return f"STRUCT({', '.join(fields)})"
    params: list[str] = []
    if cur.peek() == "(":
        end = cur.text.index(")", cur.pos)
        params = [p.strip() for p in cur.text[cur.pos + 1 : end].split(",")]
        cur.pos = end + 1
    if name == "decimal" and params:
        scale = params[1] if len(params) > 1 else "0"
        return f"DECIMAL({params[0]},{scale})"
    if name == "timestamp" and params:
        return "TIMESTAMP"
    if name not in _HIVE_SCALARS:
        raise TypeParseError(f"unsupported column type {name!r}")
    return _HIVE_SCALARS[name]


_DUCK_TO_HIVE = {
    "varchar": "string",
    "integer": "int",
    "bigint": "bigint",
    "hugeint": "bigint",
    "ubigint": "bigint",
    "uinteger": "bigint",
    "usmallint": "int",
    "utinyint": "smallint",
    "uhugeint": "bigint",
    "smallint": "smallint",
    "tinyint": "tinyint",
    "double": "double",
    "float": "float",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ms": "timestamp",
    "timestamp_ns": "timestamp",
    "timestamp_s": "timestamp",
    "timestamp with time zone": "timestamp",
    "blob": "binary",
    "uuid": "string",
    "time": "string",
    "interval": "string",
    "null": "string",
    '"null"': "string",
}


def duckdb_to_hive(dtype: duckdb.DuckDBPyType) -> str:
    """Glue column type for a DuckDB result type (used by CTAS and the crawler's schema)."""
    kind = dtype.id
    if kind in ("list", "array"):
        return f"array<{duckdb_to_hive(dtype.children[0][1])}>"
    if kind == "struct":
        inner = ",".join(f"{name}:{duckdb_to_hive(child)}" for name, child in dtype.children)
        return f"struct<{inner}>"
    if kind == "map":
        return f"map<{duckdb_to_hive(dtype.children[0][1])},{duckdb_to_hive(dtype.children[1][1])}>"
    if kind == "decimal":
        children = dict(dtype.children)
        return f"decimal({children['precision']},{children['scale']})"
    if kind in _DUCK_TO_HIVE:
        return _DUCK_TO_HIVE[kind]
    raise TypeParseError(f"no Glue type for DuckDB type {dtype}")


def storable_duckdb_type(dtype: duckdb.DuckDBPyType) -> str:
    """DuckDB type to cast a result column to before it is written or reported.

    DuckDB widens aggregates (``sum(int)`` is HUGEINT, ``count_if`` too) where Trino keeps
    BIGINT; folding them back keeps result types and Parquet files Athena-shaped.
    """
    return hive_to_duckdb(duckdb_to_hive(dtype))


_DUCK_TO_ATHENA = {
    "varchar": "varchar",
    "integer": "integer",
    "bigint": "bigint",
    "hugeint": "bigint",
    "ubigint": "bigint",
    "uinteger": "bigint",
    "usmallint": "integer",
    "utinyint": "smallint",
    "uhugeint": "bigint",
    "smallint": "smallint",
    "tinyint": "tinyint",
    "double": "double",
    "float": "real",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ms": "timestamp",
    "timestamp_ns": "timestamp",
    "timestamp_s": "timestamp",
    "timestamp with time zone": "timestamp with time zone",
    "blob": "varbinary",
    "uuid": "uuid",
    "time": "time",
    "interval": "interval day to second",
    "list": "array",
    "array": "array",
    "struct": "row",
    "map": "map",
    "decimal": "decimal",
    "null": "unknown",
    '"null"': "unknown",
}


def athena_type(dtype: duckdb.DuckDBPyType) -> tuple[str, int, int]:
    """(Athena type name, precision, scale) as reported in ResultSetMetadata.ColumnInfo."""
    kind = dtype.id
    name = _DUCK_TO_ATHENA.get(kind, "varchar")
    if kind == "decimal":
        children = dict(dtype.children)
        return name, int(children["precision"]), int(children["scale"])
    precision = {
        "integer": 10,
        "bigint": 19,
        "smallint": 5,
        "tinyint": 3,
        "double": 17,
        "real": 24,
        "varchar": 2147483647,
        "timestamp": 3,
        "boolean": 0,
    }.get(name, 0)
    return name, precision, 0


def java_double(value: float) -> str:
    """Format a float the way Java's Double.toString does (Trino renders doubles this way)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    digits_tuple = decimal.Decimal(repr(value)).as_tuple()
    digits = "".join(str(d) for d in digits_tuple.digits).rstrip("0") or "0"
    exponent = digits_tuple.exponent + len(digits_tuple.digits) - 1  # type: ignore[operator]
    sign = "-" if value < 0 else ""
    if 1e-3 <= magnitude < 1e7:
        text = format(decimal.Decimal(repr(magnitude)), "f")
        if "." not in text:
            text += ".0"
        whole, frac = text.split(".")
        frac = frac.rstrip("0") or "0"
        return f"{sign}{whole}.{frac}"
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{sign}{mantissa}E{exponent}"


def format_value(value: Any, dtype: duckdb.DuckDBPyType | None = None, nested: bool = False) -> str | None:
    """Render one value as Athena's text form; None stays None (an absent VarCharValue)."""
    if value is None:
        return "null" if nested else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if dtype is not None and dtype.id == "float":
            return _float32(value)
        return java_double(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        text = value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
        if value.tzinfo is not None:
            text += " UTC" if value.utcoffset() == dt.timedelta(0) else " " + str(value.tzinfo)
        return text
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return " ".join(f"{b:02x}" for b in bytes(value))
    child_types: list[tuple[str, Any]] = []
    if dtype is not None and dtype.id in ("list", "array", "struct", "map"):
        child_types = list(dtype.children)
    if isinstance(value, list):
        child = child_types[0][1] if child_types else None
        return "[" + ", ".join(str(format_value(v, child, True)) for v in value) + "]"
    if isinstance(value, dict):
        if dtype is not None and dtype.id == "map":
            key_t, val_t = child_types[0][1], child_types[1][1]
            return (
                "{"
                + ", ".join(
                    f"{format_value(k, key_t, True)}={format_value(v, val_t, True)}" for k, v in value.items()
                )
                + "}"
            )
        types = dict(child_types)
        return "{" + ", ".join(f"{k}={format_value(v, types.get(k), True)}" for k, v in value.items()) + "}"
    return str(value)


def _float32(value: float) -> str:
    """Shortest text that round-trips through a 32-bit float, as Java's Float.toString gives."""
    import struct

    packed = struct.pack("f", value)
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if struct.pack("f", float(text)) == packed:
            return java_double(float(text))
    return java_double(value)


_INTEGER_IDS = {
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "hugeint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "uhugeint",
}


def _format_column(values: list[Any], dtype: duckdb.DuckDBPyType) -> list[str | None]:
    """``format_value`` over one column, with inline fast paths for the common scalar types."""
    kind = dtype.id
    if kind == "varchar" and all(v is None or type(v) is str for v in values):
        return values
    if kind in _INTEGER_IDS:
        return [None if v is None else str(v) if type(v) is int else format_value(v, dtype) for v in values]
    if kind == "double":
        # In [1e-3, 1e7) Python's repr is exactly Java's Double.toString (plain digits, '.0' kept).
        return [
            None
            if v is None
            else repr(v)
            if type(v) is float and 1e-3 <= abs(v) < 1e7
            else format_value(v, dtype)
            for v in values
        ]
    return [format_value(v, dtype) for v in values]


def format_rows(rows: list[tuple[Any, ...]], types: list[duckdb.DuckDBPyType]) -> list[list[str | None]]:
    """``format_value`` over a result set, column by column."""
    if not rows:
        return []
    columns = [
        _format_column(list(col), dtype) for col, dtype in zip(zip(*rows, strict=True), types, strict=True)
    ]
    return [list(row) for row in zip(*columns, strict=True)]
