"""The SELECT a bronze export runs: columns as the type map casts them, PII hidden, the cursor window.

Why literals and not bind parameters: ADBC sends a parameterless statement as
`COPY (...) TO STDOUT (FORMAT binary)`, its fast path; every literal here is
either a timestamp we formatted ourselves or quoted by `sql_string`, and
identifiers come from the catalog and are quoted by `quote_ident`. The one
secret, the PII key, is no literal: it travels as session settings given when
the connection opens (`ExportRequest.session_settings`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from lakehouse.hooks.pg_types import ExportColumn
from lakehouse.sql import quote_ident, sql_string

CURSOR_TYPES = ("timestamp", "timestamptz", "date")
# Session settings (custom, hence the prefix) that carry the PII key's HMAC pads.
PII_INNER_PAD = "lakehouse.pii_inner_pad"
PII_OUTER_PAD = "lakehouse.pii_outer_pad"
HMAC_BLOCK_BYTES = 64  # SHA-256's block


class ExportRequestError(ValueError):
    """The request does not fit the source table (bad cursor or PII column, empty window...)."""


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a table, all of it or the rows whose cursor falls in a window.

    An incremental window with no start reads every row before its end: the
    first load of a table, or the reload of a lake that lost its watermark.
    """

    schema: str
    table: str
    mode: Literal["incremental", "full"] = "incremental"
    cursor_column: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    lookback: timedelta = timedelta(0)
    pii_columns: tuple[str, ...] = field(default_factory=tuple)
    pii_method: Literal["hash", "mask"] = "hash"
    pii_secret: str = ""
    # a soft-delete column the table must have (checked with the columns, named when missing)
    delete_column: str | None = None
    # only these columns (e.g. the primary key, for a table's key set); None: every column
    only_columns: tuple[str, ...] | None = None
    # a slice of a split export: (integer key column, low inclusive, high exclusive; None: open)
    key_range: tuple[str, int | None, int | None] | None = None

    def __post_init__(self) -> None:
        if self.mode not in ("incremental", "full"):
            raise ExportRequestError(f"mode must be 'incremental' or 'full', got {self.mode!r}")
        if self.pii_method not in ("hash", "mask"):
            raise ExportRequestError(f"pii_method must be 'hash' or 'mask', got {self.pii_method!r}")
        if self.lookback < timedelta(0):
            raise ExportRequestError(f"lookback must not be negative, got {self.lookback}")
        if self.mode == "incremental":
            if not self.cursor_column:
                raise ExportRequestError(f"{self.table}: an incremental export needs a cursor_column")
            if self.window_end is None:
                raise ExportRequestError(f"{self.table}: an incremental export needs a window end")
            if self.window_end.tzinfo is None or (self.window_start and self.window_start.tzinfo is None):
                raise ExportRequestError(f"{self.table}: the data interval must be timezone-aware")
            if self.window_start is not None and self.window_end <= self.window_start:
                raise ExportRequestError(
                    f"{self.table}: empty data interval [{self.window_start}, {self.window_end})"
                )

    def session_settings(self) -> dict[str, str]:
        """What each connection of this export must be opened with: the PII key's pads, when hashing."""
        if self.pii_method != "hash" or not self.pii_columns:
            return {}
        return hmac_pads(self.pii_secret)

    @property
    def read_from(self) -> datetime | None:
        """Start of the rows read: the interval's start moved back by the lookback."""
        return None if self.window_start is None else self.window_start - self.lookback


@dataclass(frozen=True)
class ExportQuery:
    columns: list[ExportColumn]
    select_list: str
    source: str  # the quoted, schema-qualified table
    conditions: tuple[str, ...] = ()

    @property
    def from_where_sql(self) -> str:
        """`<table> where ...`: what the count in the same snapshot counts."""
        return self.source + (" where " + " and ".join(self.conditions) if self.conditions else "")

    @property
    def select_sql(self) -> str:
        return f"select {self.select_list} from {self.from_where_sql}"

    def page_range_sql(self, first_page: int, end_page: int | None) -> str:
        """The SELECT restricted to heap pages [first_page, end_page) (None: to the table's end).

        Postgres 14+ answers a ctid range with a TID range scan, reading only
        those pages, so N such queries read the table once between them.
        """
        if first_page < 0 or (end_page is not None and end_page <= first_page):
            raise ValueError(f"bad page range [{first_page}, {end_page})")
        ranged = [f"ctid >= '({first_page},0)'::tid"]
        if end_page is not None:
            ranged.append(f"ctid < '({end_page},0)'::tid")
        return replace(self, conditions=(*self.conditions, *ranged)).select_sql


def _utc_literal(moment: datetime) -> str:
    return sql_string(moment.astimezone(UTC).isoformat()) + "::timestamptz"


def hmac_pads(key: str) -> dict[str, str]:
    """HMAC-SHA256's inner and outer keyed pads (RFC 2104), hex: the session settings `_hidden` reads.

    Why pads and not the key: Postgres has sha256() but no HMAC without
    pgcrypto; with the pads the SQL computes exactly HMAC-SHA256(key, value)
    from two sha256() calls. They are as secret as the key itself.
    """
    block = key.encode()
    if len(block) > HMAC_BLOCK_BYTES:
        block = hashlib.sha256(block).digest()
    block = block.ljust(HMAC_BLOCK_BYTES, b"\0")
    inner = bytes(byte ^ 0x36 for byte in block)
    outer = bytes(byte ^ 0x5C for byte in block)
    return {PII_INNER_PAD: inner.hex(), PII_OUTER_PAD: outer.hex()}


def _setting(name: str) -> str:
    return f"decode(current_setting({sql_string(name)}), 'hex')"


def _hidden(column: ExportColumn, method: str) -> ExportColumn:
    """The column hashed (keyed HMAC-SHA256, hex: still joinable, not reversible by a dictionary) or masked.

    The key reaches Postgres as the connection's session settings, set when it
    connects (`session_settings`), never in this statement's text, which
    pg_stat_activity, the server's statement log and the task's log all show.
    """
    ident = quote_ident(column.name)
    if method == "hash":
        message = f"convert_to({ident}::text, 'UTF8')"
        inner = f"sha256({_setting(PII_INNER_PAD)} || {message})"
        expr = f"encode(sha256({_setting(PII_OUTER_PAD)} || {inner}), 'hex')"
    else:
        expr = f"case when {ident} is null then null else '****' end"
    return replace(column, select_sql=expr, arrow=("string",))


def _key_range_conditions(request: ExportRequest, by_name: dict[str, ExportColumn]) -> list[str]:
    """`key >= low and key < high` for a slice; the bounds are integers, written as such."""
    assert request.key_range is not None
    name, low, high = request.key_range
    column = by_name.get(name)
    if column is None or column.arrow[0] not in ("int16", "int32", "int64"):
        kind = "does not exist" if column is None else f"is {column.declared}, not an integer"
        raise ExportRequestError(f"{request.schema}.{request.table}: slice key {name!r} {kind}")
    ident = quote_ident(name)
    bounds = [] if low is None else [f"{ident} >= {int(low)}"]
    return bounds + ([] if high is None else [f"{ident} < {int(high)}"])


def build_query(request: ExportRequest, columns: list[ExportColumn]) -> ExportQuery:
    """Compose the export's SELECT over the planned `columns`; clear errors for unknown columns."""
    by_name = {column.name: column for column in columns}
    conditions: tuple[str, ...] = ()
    if request.mode == "incremental":
        cursor = by_name.get(request.cursor_column or "")
        if cursor is None:
            raise ExportRequestError(
                f"{request.schema}.{request.table}: cursor column {request.cursor_column!r} does not exist;"
                f" columns are {', '.join(by_name)}"
            )
        if cursor.arrow[0] not in CURSOR_TYPES:
            raise ExportRequestError(
                f"{request.schema}.{request.table}: cursor column {cursor.name!r} is {cursor.declared};"
                " it must be a timestamp, timestamptz or date"
            )
        assert request.window_end is not None
        ident = quote_ident(cursor.name)
        conditions = (f"{ident} < {_utc_literal(request.window_end)}",)
        if request.read_from is not None:
            conditions = (f"{ident} >= {_utc_literal(request.read_from)}", *conditions)
    if request.delete_column and request.delete_column not in by_name:
        raise ExportRequestError(
            f"{request.schema}.{request.table}: delete column {request.delete_column!r} does not exist;"
            f" columns are {', '.join(by_name)}"
        )
    if request.key_range is not None:
        conditions = (*conditions, *_key_range_conditions(request, by_name))
    if request.only_columns is not None:
        unknown = [name for name in request.only_columns if name not in by_name]
        if unknown:
            raise ExportRequestError(
                f"{request.schema}.{request.table}: column(s) {', '.join(unknown)} do not exist;"
                f" columns are {', '.join(by_name)}"
            )
        columns = [by_name[name] for name in request.only_columns]
    missing = [name for name in request.pii_columns if name not in by_name]
    if missing:
        raise ExportRequestError(
            f"{request.schema}.{request.table}: PII column(s) {', '.join(missing)} do not exist"
        )
    planned = [_hidden(c, request.pii_method) if c.name in request.pii_columns else c for c in columns]
    select_list = ", ".join(
        c.select_sql if c.select_sql == quote_ident(c.name) else f"{c.select_sql} as {quote_ident(c.name)}"
        for c in planned
    )
    source = f"{quote_ident(request.schema)}.{quote_ident(request.table)}"
    return ExportQuery(planned, select_list, source, conditions)
