"""Athena's text of a result column, computed over a whole Arrow column at once.

``coltypes.format_rows`` renders a result value by value in Python: exact for every type, but
its cost grows with every row an audit reads back from a staged table (each timestamp turned
into a ``datetime`` and back into text), where Athena writes its CSV natively. This
renders the common scalar columns (integers, strings, booleans, dates, decimals, naive
timestamps) with Arrow's compute kernels, to the same text ``format_rows`` gives. A column
whose Athena text Arrow cannot give exactly (floats, intervals, nested and zoned values) is
handed to ``coltypes`` for that column; a type this module does not know makes the whole
result fall back to the row-by-row path (``formatters`` returns None).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .coltypes import INTEGER_IDS, format_column
from .trino_temporal import Shape

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

Formatter = Callable[["pa.Array"], "pa.Array"]

# rendered by Arrow's cast to string, character for character the text format_rows gives
_CAST_IDS = (INTEGER_IDS - {"uhugeint"}) | {"boolean", "date", "decimal"}
# floats: Python's conversion of the Arrow value is the one format_rows renders
_PYTHON_IDS = {"double", "float"}
_TIMESTAMP_UNITS = ((0, "s"), (3, "ms"), (6, "us"))


def formatters(
    types: Sequence[duckdb.DuckDBPyType], shapes: Sequence[Shape | None]
) -> list[Formatter] | None:
    """One function per column from its Arrow array to Athena's text of it, or None when a
    column's type is one only the row-by-row path renders."""
    found = []
    for dtype, shape in zip(types, shapes, strict=True):
        formatter = _formatter(dtype, shape)
        if formatter is None:
            return None
        found.append(formatter)
    return found


def _formatter(dtype: duckdb.DuckDBPyType, shape: Shape | None) -> Formatter | None:
    kind = dtype.id
    if kind == "timestamp":
        shape = shape or Shape()
        naive = shape.kind == "timestamp" and shape.zone is None
        return (lambda array: _timestamp(array, shape.precision)) if naive else None
    if kind in _CAST_IDS or (kind == "varchar" and shape is None and str(dtype) != "JSON"):
        return _as_string
    if kind in _PYTHON_IDS and shape is None:
        return lambda array: _python(array, dtype)
    return None  # nested, zoned, a time or an interval, or a value format_rows renders by its shape


def _as_string(array: pa.Array) -> pa.Array:
    import pyarrow as pa

    return array.cast(pa.string())


def _python(array: pa.Array, dtype: duckdb.DuckDBPyType) -> pa.Array:
    import pyarrow as pa

    return pa.array(format_column(array.to_pylist(), dtype), pa.string())


def _timestamp(array: pa.Array, precision: int) -> pa.Array:
    """Trino's ``timestamp(p)`` text: rounded half up to p digits (at most microseconds, the
    digits beyond printed as zeros), as coltypes.format_timestamp renders one value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = min(precision, 6)
    if digits < 6:
        array = pc.round_temporal(array, multiple=10 ** (6 - digits), unit="microsecond")
    unit = next(unit for shown, unit in _TIMESTAMP_UNITS if shown >= digits)
    text = array.cast(pa.timestamp(unit)).cast(pa.string())  # "2026-11-02 10:11:12.345" in ms
    if digits not in (0, 3, 6):
        text = pc.utf8_slice_codeunits(text, 0, 20 + digits)
    if precision > digits:
        text = pc.binary_join_element_wise(text, "0" * (precision - digits), "")
    return text
