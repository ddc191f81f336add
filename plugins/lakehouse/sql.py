"""Render the SQL templates in include/sql with values quoted and identifiers checked.

Why our own Jinja environment rather than Airflow's template rendering alone:
the statements a run needs (which partitions, which staging location) are only
known once the run has looked at its data, so a planning task renders them and
hands finished SQL to the provider's AthenaOperator. Rendering here is strict:
an undefined variable is an error, literals go through `sql_string`, and
anything spliced in as a name goes through `identifier`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,127}$")


class UnsafeSqlValue(ValueError):
    """A value could not be placed into SQL safely."""


def identifier(name: str) -> str:
    """A lower-case Athena/Glue identifier, or an error naming it."""
    text = str(name)  # an undefined template variable raises here, naming itself
    if not IDENTIFIER.match(text):
        raise UnsafeSqlValue(f"not a safe SQL identifier: {text!r}")
    return text


def quote_ident(name: str) -> str:
    """A double-quoted identifier (Postgres, DuckDB, Trino): any text, quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


def sql_string(value: Any) -> str:
    """A single-quoted SQL string literal (the same in Athena, Postgres and DuckDB)."""
    text = str(value)
    if "\x00" in text:
        raise UnsafeSqlValue("NUL byte in SQL literal")
    return "'" + text.replace("'", "''") + "'"


def sql_list(values: Iterable[Any]) -> str:
    """A comma-separated list of string literals, for `in (...)`."""
    rendered = [sql_string(v) for v in values]
    if not rendered:
        raise UnsafeSqlValue("an empty list cannot be rendered into `in (...)`")
    return ", ".join(rendered)


_GLUE_TO_TRINO = {
    "string": "varchar",
    "int": "integer",
    "integer": "integer",
    "bigint": "bigint",
    "smallint": "smallint",
    "tinyint": "tinyint",
    "boolean": "boolean",
    "float": "real",
    "double": "double",
    "date": "date",
    "timestamp": "timestamp",
    "binary": "varbinary",
}


def trino_type(glue_type: str) -> str:
    """The Trino (Athena DML) name of a Glue/Hive column type: DDL says string, DML says varchar."""
    text = glue_type.strip().lower()
    if text in _GLUE_TO_TRINO:
        return _GLUE_TO_TRINO[text]
    decimal = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", text)
    if decimal:
        return f"decimal({decimal.group(1)},{decimal.group(2)})"
    for wrapper in ("varchar", "char"):
        if re.fullmatch(rf"{wrapper}\(\d+\)", text):
            return text
    array = re.fullmatch(r"array<(.+)>", text)
    if array:
        return f"array({trino_type(array.group(1))})"
    raise UnsafeSqlValue(f"no Athena DML type for Glue type {glue_type!r}")


def s3_location(value: str) -> str:
    """An s3:// location literal (trailing slash kept), checked for shape."""
    if not re.match(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/[A-Za-z0-9_.\-=/]*)?$", value):
        raise UnsafeSqlValue(f"not an S3 location: {value!r}")
    return sql_string(value)


@cache
def _environment():
    import jinja2

    from lakehouse.paths import sql_dir

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(sql_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # SQL, not HTML: values are quoted by the filters below
    )
    env.filters.update(
        identifier=identifier, sql_string=sql_string, sql_list=sql_list, s3=s3_location, trino_type=trino_type
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render include/sql/<template> with `context`; whitespace trimmed at both ends."""
    return _environment().get_template(template).render(**context).strip()
