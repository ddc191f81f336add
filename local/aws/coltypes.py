"""Column types across the three vocabularies the endpoint speaks.

Glue stores Hive DDL type strings (``array<struct<a:int>>``, read with sqlglot's Hive
grammar), DuckDB executes with its own types, and Athena reports Trino type names in
``GetQueryResults``. Rendering values as text
follows Athena too (``true``, ``1.0E10``, ``2024-01-02 03:04:05.000``, ``{k=v}``), because
clients such as PyAthena parse that text by the reported type name.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import math
import zoneinfo
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import duckdb
from sqlglot import exp
from sqlglot.dialects.hive import Hive
from sqlglot.errors import ParseError
from sqlglot.tokens import TokenType

from .trino_temporal import TIME_KIND, UTC, YEAR_MONTH_KIND, Shape, offset_minutes


class TypeParseError(ValueError):
    """A Glue/Hive type string the endpoint cannot read."""


class _GlueTypeStrings(Hive):
    """Hive's type grammar as Glue stores it, for reading column types with sqlglot.

    Glue writes struct field names unquoted, so no word may be reserved (a Parquet field called
    ``select`` or ``not`` must still read), and ``row<...>``, Trino's spelling, reads as a struct.
    """

    class Tokenizer(Hive.Tokenizer):
        KEYWORDS: ClassVar[dict[str, TokenType]] = {
            **{
                word: token
                for word, token in Hive.Tokenizer.KEYWORDS.items()
                if word not in {"SELECT", "NOT"}
            },
            "ROW": TokenType.STRUCT,
        }


_GLUE_TYPES = _GlueTypeStrings()
_DType = exp.DataType.Type

_SCALARS_TO_DUCKDB = {
    _DType.TEXT: "VARCHAR",
    _DType.VARCHAR: "VARCHAR",
    _DType.CHAR: "VARCHAR",
    _DType.INT: "INTEGER",
    _DType.BIGINT: "BIGINT",
    _DType.SMALLINT: "SMALLINT",
    _DType.TINYINT: "TINYINT",
    _DType.DOUBLE: "DOUBLE",
    _DType.FLOAT: "FLOAT",
    _DType.BOOLEAN: "BOOLEAN",
    _DType.DATE: "DATE",
    _DType.TIMESTAMP: "TIMESTAMP",  # a precision, timestamp(3), does not change DuckDB's type
    _DType.BINARY: "BLOB",
}


@functools.lru_cache(maxsize=4096)
def hive_to_duckdb(hive_type: str) -> str:
    """Translate a Glue column type (Hive DDL) into a DuckDB type expression.

    Cached: every scan and every write translates the same few column types again.
    """
    try:
        parsed = _GLUE_TYPES.parse_into(exp.DataType, hive_type.strip())[0]
    except ParseError as err:
        detail = err.errors[0]["description"] if err.errors else str(err)
        raise TypeParseError(f"cannot read column type {hive_type!r}: {detail}") from None
    if not isinstance(parsed, exp.DataType):
        raise TypeParseError(f"cannot read column type {hive_type!r}")
    return _duckdb_type(parsed, hive_type)


def _duckdb_type(node: exp.DataType, hive_type: str) -> str:
    build = _PARAMETRIC_TO_DUCKDB.get(node.this)
    if build is not None:
        return build(node, hive_type)
    if node.this in _SCALARS_TO_DUCKDB:
        return _SCALARS_TO_DUCKDB[node.this]
    raise TypeParseError(f"unsupported column type {node.sql(dialect='hive').lower()!r} in {hive_type!r}")


def _children(node: exp.DataType, hive_type: str, count: int) -> list[exp.DataType]:
    """The element types of an array (one) or a map (two); sqlglot also reads a bare ``array``."""
    children = node.expressions
    if len(children) != count or not all(isinstance(child, exp.DataType) for child in children):
        raise TypeParseError(f"{node.this.value.lower()} needs {count} element type(s) in {hive_type!r}")
    return children


def _array_type(node: exp.DataType, hive_type: str) -> str:
    (element,) = _children(node, hive_type, 1)
    return f"{_duckdb_type(element, hive_type)}[]"


def _map_type(node: exp.DataType, hive_type: str) -> str:
    key, value = _children(node, hive_type, 2)
    return f"MAP({_duckdb_type(key, hive_type)}, {_duckdb_type(value, hive_type)})"


def _struct_type(node: exp.DataType, hive_type: str) -> str:
    fields = node.expressions
    if not fields or not all(_is_plain_field(field) for field in fields):
        raise TypeParseError(f"a struct needs fields written name:type in {hive_type!r}")
    inner = ", ".join(f'"{field.name}" {_duckdb_type(field.args["kind"], hive_type)}' for field in fields)
    return f"STRUCT({inner})"


def _is_plain_field(field: exp.Expression) -> bool:
    """A struct field with a name and a type and nothing else (sqlglot would also keep NOT NULL)."""
    return (
        isinstance(field, exp.ColumnDef)
        and isinstance(field.args.get("kind"), exp.DataType)
        and not field.args.get("constraints")
    )


def _decimal_type(node: exp.DataType, _hive_type: str) -> str:
    """Hive's bare ``decimal`` is decimal(10,0) and ``decimal(p)`` has scale 0."""
    params = [param.name for param in node.expressions]
    precision = params[0] if params else "10"
    scale = params[1] if len(params) > 1 else "0"
    return f"DECIMAL({precision},{scale})"


# Types whose DuckDB form is built from their parameters (element types, precision and scale).
_PARAMETRIC_TO_DUCKDB: dict[exp.DataType.Type, Callable[[exp.DataType, str], str]] = {
    _DType.ARRAY: _array_type,
    _DType.MAP: _map_type,
    _DType.STRUCT: _struct_type,
    _DType.DECIMAL: _decimal_type,
}


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
    "time with time zone": "time with time zone",
    "interval": "interval day to second",
    "list": "array",
    "array": "array",
    "struct": "row",
    "map": "map",
    "decimal": "decimal",
    "null": "unknown",
    '"null"': "unknown",
}


def athena_type(dtype: duckdb.DuckDBPyType, shape: Shape | None = None) -> tuple[str, int, int]:
    """(Athena type name, precision, scale) as reported in ResultSetMetadata.ColumnInfo.

    A timestamp's precision is Trino's for the expression (``shape``), not DuckDB's.
    """
    kind = dtype.id
    name = _DUCK_TO_ATHENA.get(kind, "varchar")
    if kind == "decimal":
        children = dict(dtype.children)
        return name, int(children["precision"]), int(children["scale"])
    if kind == "varchar" and str(dtype) == "JSON":  # DuckDB's JSON is a VARCHAR alias; Trino's is a type
        return "json", 0, 0
    if shape is not None and name.startswith("timestamp"):
        return name, shape.precision, 0
    if shape is not None and shape.kind == YEAR_MONTH_KIND and kind == "interval":
        return YEAR_MONTH_KIND, 0, 0
    if shape is not None and shape.kind == TIME_KIND and name.startswith("time"):
        return name, shape.precision, 0
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
    if isinstance(value, list):
        return _format_array(value, dtype)
    if isinstance(value, dict):
        return _format_map_or_row(value, dtype)
    for kinds, render in _SCALAR_FORMATS:
        if isinstance(value, kinds):
            return render(value, dtype)
    return str(value)


def _child_types(dtype: duckdb.DuckDBPyType | None) -> list[tuple[str, Any]]:
    """(name, type) of a nested type's children; DuckDB raises on ``children`` of a scalar type."""
    if dtype is not None and dtype.id in ("list", "array", "struct", "map"):
        return list(dtype.children)
    return []


def _format_array(value: list[Any], dtype: duckdb.DuckDBPyType | None) -> str:
    children = _child_types(dtype)
    element = children[0][1] if children else None
    return "[" + ", ".join(str(format_value(v, element, True)) for v in value) + "]"


def _format_map_or_row(value: dict[Any, Any], dtype: duckdb.DuckDBPyType | None) -> str:
    """Maps and rows both come back from DuckDB as dicts; Athena prints both as ``{k=v, ...}``."""
    children = _child_types(dtype)
    if dtype is not None and dtype.id == "map":
        key_type, value_type = children[0][1], children[1][1]
        pairs = (
            f"{format_value(k, key_type, True)}={format_value(v, value_type, True)}" for k, v in value.items()
        )
    else:
        field_types = dict(children)
        pairs = (f"{k}={format_value(v, field_types.get(k), True)}" for k, v in value.items())
    return "{" + ", ".join(pairs) + "}"


def _format_float(value: float, dtype: duckdb.DuckDBPyType | None) -> str:
    """REAL columns print the shortest text of the 32-bit value, as Java's Float.toString does."""
    if dtype is not None and dtype.id == "float":
        return _float32(value)
    return java_double(value)


def _format_timestamp(value: dt.datetime, _dtype: duckdb.DuckDBPyType | None) -> str:
    """A timestamp nested in an array, map or row: ``timestamp(3)``, a zoned one in UTC."""
    return format_timestamp(value, _NESTED_TIMESTAMP)


_NESTED_TIMESTAMP = Shape()


def format_timestamp(value: dt.datetime, shape: Shape) -> str:
    """Trino's text of a timestamp of ``shape``'s precision, a zoned one in its zone, named after it.

    The value is rounded half up to the precision, as Trino rounds a timestamp cast to a lower
    precision (a Hive column read as ``timestamp(3)`` included).
    """
    if value.tzinfo is not None:
        value = value.astimezone(_tzinfo(shape.zone or UTC))
    digits = min(shape.precision, 6)
    unit = 10 ** (6 - digits)
    micros = (value.microsecond + unit // 2) // unit * unit
    if micros >= 1_000_000:
        value += dt.timedelta(microseconds=1_000_000 - value.microsecond)
        micros = 0
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if shape.precision:
        text += "." + f"{micros:06d}"[:digits] + "0" * (shape.precision - digits)
    if value.tzinfo is not None:
        text += " " + (shape.zone or UTC)
    return text


@functools.lru_cache(maxsize=64)
def _tzinfo(zone: str) -> dt.tzinfo:
    if zone == UTC:
        return dt.UTC
    minutes = offset_minutes(zone)
    if minutes is not None:
        return dt.timezone(dt.timedelta(minutes=minutes))
    return zoneinfo.ZoneInfo(zone)


def _format_time(value: dt.time, _dtype: duckdb.DuckDBPyType | None, precision: int = 3) -> str:
    """``time(p)`` as Trino prints it, ``time with time zone`` followed by its offset (``+00:00``)."""
    text = value.strftime("%H:%M:%S")
    if precision:
        digits = min(precision, 6)
        text += "." + f"{value.microsecond:06d}"[:digits] + "0" * (precision - digits)
    offset = value.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds()) // 60
        sign = "-" if minutes < 0 else "+"
        text += f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return text


def _format_year_month(value: dt.timedelta) -> str:
    """An ``interval year to month`` as Trino prints it, ``Y-M``; DuckDB returns its months as 30 days."""
    months = round(value.days / 30)
    sign = "-" if months < 0 else ""
    years, months = divmod(abs(months), 12)
    return f"{sign}{years}-{months}"


def _format_varbinary(value: bytes | bytearray | memoryview, _dtype: duckdb.DuckDBPyType | None) -> str:
    """Athena prints VARBINARY as space-separated hex bytes."""
    return " ".join(f"{b:02x}" for b in bytes(value))


def _format_interval(value: dt.timedelta, _dtype: duckdb.DuckDBPyType | None) -> str:
    """An ``interval day to second`` as Trino prints it: ``[-]D HH:MM:SS.mmm``, to the millisecond."""
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    millis = abs(micros) // 1000
    seconds, millis = divmod(millis, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return f"{sign}{days} {hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


# Checked in order: bool before anything numeric, datetime before its base class date.
_SCALAR_FORMATS: tuple[
    tuple[type | tuple[type, ...], Callable[[Any, duckdb.DuckDBPyType | None], str]], ...
] = (
    (bool, lambda value, _dtype: "true" if value else "false"),
    (float, _format_float),
    (decimal.Decimal, lambda value, _dtype: format(value, "f")),
    (dt.datetime, _format_timestamp),
    (dt.date, lambda value, _dtype: value.isoformat()),
    (dt.time, _format_time),
    (dt.timedelta, _format_interval),
    ((bytes, bytearray, memoryview), _format_varbinary),
)


def _float32(value: float) -> str:
    """Shortest text that round-trips through a 32-bit float, as Java's Float.toString gives."""
    import struct

    packed = struct.pack("f", value)
    for digits in range(1, 10):
        text = f"{value:.{digits}g}"
        if struct.pack("f", float(text)) == packed:
            return java_double(float(text))
    return java_double(value)


INTEGER_IDS = {
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


def _format_timestamps(values: list[Any], shape: Shape) -> list[str | None]:
    if shape.kind == TIME_KIND:
        return [
            _format_time(v, None, shape.precision) if isinstance(v, dt.time) else format_value(v)
            for v in values
        ]
    if shape.kind == YEAR_MONTH_KIND:
        return [_format_year_month(v) if isinstance(v, dt.timedelta) else format_value(v) for v in values]
    return [format_timestamp(v, shape) if isinstance(v, dt.datetime) else format_value(v) for v in values]


def format_column(values: list[Any], dtype: duckdb.DuckDBPyType) -> list[str | None]:
    """``format_value`` over one column, with inline fast paths for the common scalar types."""
    kind = dtype.id
    if kind == "varchar" and all(v is None or type(v) is str for v in values):
        return values
    if kind in INTEGER_IDS:
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


def format_rows(
    rows: list[tuple[Any, ...]],
    types: list[duckdb.DuckDBPyType],
    shapes: Sequence[Shape | None] | None = None,
) -> list[list[str | None]]:
    """``format_value`` over a result set, column by column; ``shapes`` say how timestamps print."""
    if not rows:
        return []
    shapes = shapes if shapes is not None and len(shapes) == len(types) else [None] * len(types)
    columns = [
        _format_timestamps(list(col), shape) if shape is not None else format_column(list(col), dtype)
        for col, dtype, shape in zip(zip(*rows, strict=True), types, shapes, strict=True)
    ]
    return [list(row) for row in zip(*columns, strict=True)]
