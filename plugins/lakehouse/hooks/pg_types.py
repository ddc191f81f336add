"""The explicit Postgres-to-Arrow type map used by the bronze export.

Why explicit: a driver's defaults drift between versions (ADBC returns numeric
as an opaque string, uuid and json as Arrow extension types that Athena cannot
read), and a silent change of a column's Parquet type breaks the Glue table and
every query on it. So each column's Arrow type is decided here from the catalog
(`pg_attribute`/`pg_type`), the SELECT sends Postgres the cast that makes the
wire value match, and anything not in the map fails before a byte is read,
naming the column and its declared type.

Nothing here imports pyarrow at module level: DAG files import the operator,
which imports this module, at parse time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from lakehouse.sql import quote_ident


class UnsupportedColumnType(ValueError):
    """A source column has a type the export does not map; the message names it."""


# typname -> (arrow type spec, cast sent to Postgres or None)
_SCALARS: dict[str, tuple[tuple[Any, ...], str | None]] = {
    "bool": (("bool_",), None),
    "int2": (("int16",), None),
    "int4": (("int32",), None),
    "int8": (("int64",), None),
    "float4": (("float32",), None),
    "float8": (("float64",), None),
    "text": (("string",), None),
    "varchar": (("string",), None),
    "bpchar": (("string",), None),
    "name": (("string",), None),
    "citext": (("string",), "text"),
    "uuid": (("string",), "text"),
    "json": (("string",), "text"),
    "jsonb": (("string",), "text"),
    "date": (("date32",), None),
    "timestamp": (("timestamp",), None),
    "timestamptz": (("timestamptz",), None),
    "time": (("time64",), None),
    "bytea": (("binary",), None),
}

# Arrow's decimal128 holds 38 digits, decimal256 76; Postgres allows 1000.
_MAX_DECIMAL_PRECISION = 76


@dataclass(frozen=True)
class CatalogColumn:
    """One column as `pg_attribute` and `pg_type` describe it."""

    name: str
    typname: str
    typtype: str  # b base, e enum, d domain, c composite, r range, ...
    typmod: int
    declared: str  # format_type(): what a user wrote, for error messages
    elem_typname: str | None = None  # set for arrays
    elem_typtype: str | None = None


@dataclass(frozen=True)
class ExportColumn:
    """How one column is selected from Postgres and typed in Arrow/Parquet."""

    name: str
    select_sql: str
    arrow: tuple[Any, ...]  # ("int64",), ("decimal", p, s), ("list", inner spec), ...
    declared: str

    def arrow_type(self) -> Any:
        return arrow_type(self.arrow)


# Spec kinds built explicitly, so their unit and time zone are fixed here rather than
# left to pyarrow's defaults. Each builder takes the pyarrow module, so the table can
# live here without importing pyarrow at parse time. Every other scalar kind names a
# pyarrow factory called with no arguments.
_BUILDERS: dict[str, Callable[[ModuleType], Any]] = {
    "timestamp": lambda pa: pa.timestamp("us"),
    "timestamptz": lambda pa: pa.timestamp("us", tz="UTC"),
    "time64": lambda pa: pa.time64("us"),
    "date32": lambda pa: pa.date32(),
}


def arrow_type(spec: tuple[Any, ...]) -> Any:
    """Build the pyarrow type for a spec tuple (pyarrow imported here, not at parse time)."""
    import pyarrow as pa

    kind = spec[0]
    if kind == "decimal":
        precision, scale = spec[1], spec[2]
        return pa.decimal128(precision, scale) if precision <= 38 else pa.decimal256(precision, scale)
    if kind == "list":
        return pa.list_(arrow_type(spec[1]))
    if kind in _BUILDERS:
        return _BUILDERS[kind](pa)
    return getattr(pa, kind)()


def _numeric(column: CatalogColumn) -> tuple[Any, ...]:
    if column.typmod < 4:
        raise UnsupportedColumnType(
            f"column {column.name!r} is numeric without a declared precision and scale; Parquet needs"
            " a fixed decimal: declare it numeric(p,s) or export a view that casts it"
        )
    precision, scale = ((column.typmod - 4) >> 16) & 0xFFFF, (column.typmod - 4) & 0xFFFF
    if precision > _MAX_DECIMAL_PRECISION or scale > precision:
        raise UnsupportedColumnType(
            f"column {column.name!r} is {column.declared}: Arrow decimals hold at most"
            f" {_MAX_DECIMAL_PRECISION} digits with scale <= precision"
        )
    return ("decimal", precision, scale)


def _scalar(column: CatalogColumn, typname: str, typtype: str) -> tuple[tuple[Any, ...], str | None]:
    """Arrow spec and Postgres cast for a scalar type (of the column, or of its array elements)."""
    if typtype == "e":
        return ("string",), "text"
    if typname == "numeric":
        # Sent in binary, which costs Postgres less CPU than numeric_out; the driver renders
        # it as decimal text (it has no native decimal) and Arrow parses that into an exact decimal.
        return _numeric(column), None
    if typname in _SCALARS:
        return _SCALARS[typname]
    raise UnsupportedColumnType(
        f"column {column.name!r} has type {column.declared}, which the export does not map to Arrow;"
        " cast it in a view (e.g. to text) or drop it from the export"
    )


def plan_column(column: CatalogColumn) -> ExportColumn:
    """Decide how `column` is selected and typed; raise UnsupportedColumnType if it cannot be."""
    ident = quote_ident(column.name)
    if column.elem_typname is not None:
        if column.elem_typtype == "e" or column.elem_typname in ("uuid", "json", "jsonb", "citext"):
            inner, cast = ("string",), "text[]"
        else:
            inner, elem_cast = _scalar(column, column.elem_typname, column.elem_typtype or "b")
            if column.elem_typname == "numeric":
                # The driver's numeric elements would come as an extension type, which Arrow
                # cannot cast inside a list; as text they cast to the list's decimal.
                elem_cast = "text"
            cast = f"{elem_cast}[]" if elem_cast else None
        return ExportColumn(
            column.name, f"{ident}::{cast}" if cast else ident, ("list", inner), column.declared
        )
    spec, cast = _scalar(column, column.typname, column.typtype)
    return ExportColumn(column.name, f"{ident}::{cast}" if cast else ident, spec, column.declared)


CATALOG_SQL = """
select a.attname, t.typname, t.typtype, a.atttypmod, format_type(a.atttypid, a.atttypmod),
       e.typname, e.typtype
from pg_attribute a
join pg_type t on t.oid = a.atttypid
left join pg_type e on e.oid = t.typelem and t.typcategory = 'A'
where a.attrelid = {regclass}::regclass and a.attnum > 0 and not a.attisdropped
order by a.attnum
"""


def catalog_columns(rows: list[tuple[Any, ...]]) -> list[CatalogColumn]:
    """Rows of CATALOG_SQL as CatalogColumn objects."""
    return [
        CatalogColumn(
            name=r[0],
            typname=r[1],
            typtype=r[2],
            typmod=r[3],
            declared=r[4],
            elem_typname=r[5],
            elem_typtype=r[6],
        )
        for r in rows
    ]
