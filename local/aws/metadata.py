"""SHOW and DESCRIBE: the catalog read back as Athena prints it.

A mixin of ``Engine``; these statements only read the Glue catalog. DESCRIBE is read from
sqlglot's tree; SHOW is matched with regular expressions because sqlglot's Athena dialect
yields only an unparsed ``exp.Command`` for every SHOW statement.
"""

from __future__ import annotations

import re

from sqlglot import exp

from .catalog import Column
from .errors import AthenaError
from .statement import NAME_RE, QueryContext, StatementResult, text_result


class MetadataStatements:
    """SHOW TABLES/DATABASES/PARTITIONS/COLUMNS/VIEWS and DESCRIBE, for ``Engine``.

    It runs on ``Engine``'s catalog and store and through its DuckDB plumbing
    (``_connect``, ``_close``, ``_compile``, ``_target``, ``_require_table``).
    """

    def _show(self, text: str, ctx: QueryContext) -> StatementResult:
        flags = re.IGNORECASE
        if m := re.match(
            r"^SHOW TABLES(?: (?:IN|FROM) (?P<db>[`\"]?[\w-]+[`\"]?))?(?: (?:LIKE )?'(?P<pat>[^']*)')?$",
            text,
            flags,
        ):
            database = (m["db"] or ctx.database).strip('`"').lower()
            names = [
                n for n in self.catalog.list_tables(database) if m["pat"] is None or hive_like(n, m["pat"])
            ]
            return text_result("SHOW_TABLES", "tab_name", names)
        if m := re.match(r"^SHOW (?:DATABASES|SCHEMAS)(?: (?:LIKE )?'(?P<pat>[^']*)')?$", text, flags):
            names = [n for n in self.catalog.list_databases() if m["pat"] is None or hive_like(n, m["pat"])]
            return text_result("SHOW_DATABASES", "database_name", names)
        if m := re.match(rf"^SHOW PARTITIONS {NAME_RE}$", text, flags):
            table = self._require_table(m["name"], ctx)
            keys = [k.name for k in table.partition_keys]
            if not keys:
                raise AthenaError("NOT_SUPPORTED", f"Table {table.qualified} is not partitioned")
            lines = sorted(
                "/".join(f"{k}={v}" for k, v in zip(keys, p.values, strict=True))
                for p in self.catalog.list_partitions(table)
            )
            return text_result("SHOW_PARTITIONS", "partition", lines)
        if m := re.match(rf"^SHOW COLUMNS (?:IN|FROM) {NAME_RE}$", text, flags):
            table = self._require_table(m["name"], ctx)
            return text_result(
                "SHOW_COLUMNS", "field", [c.name for c in table.columns + table.partition_keys]
            )
        if m := re.match(r"^SHOW VIEWS(?: (?:IN|FROM) (?P<db>[`\"]?[\w-]+[`\"]?))?$", text, flags):
            database = (m["db"] or ctx.database).strip('`"').lower()
            views = [
                n
                for n in self.catalog.list_tables(database)
                if (t := self.catalog.get_table(database, n)) and t.is_view
            ]
            return text_result("SHOW_VIEWS", "views", views)
        raise AthenaError("NOT_SUPPORTED", f"SHOW form not supported locally: {text[:80]}")

    def _describe(self, ast: exp.Describe, ctx: QueryContext) -> StatementResult:
        if not _describes_one_table(ast):
            raise AthenaError("SYNTAX_ERROR", "Expected DESCRIBE <table>")
        table = self._require_named_table(ast.this, ctx)

        def line(c: Column) -> str:
            return f"{c.name:<20}\t{c.type:<20}\t{(c.comment or ''):<20}"

        lines = [line(c) for c in table.columns + table.partition_keys]
        if table.partition_keys:
            lines += [
                "\t \t ",
                "# Partition Information\t \t ",
                f"{'# col_name':<20}\t{'data_type':<20}\t{'comment':<20}",
                "\t \t ",
            ]
            lines += [line(c) for c in table.partition_keys]
        return text_result("DESCRIBE", "col_name", lines, statement_type="UTILITY")


def hive_like(name: str, pattern: str) -> bool:
    alternatives = pattern.lower().split("|")
    return any(re.fullmatch(re.escape(p).replace(r"\*", ".*"), name) for p in alternatives)


def _describes_one_table(ast: exp.Describe) -> bool:
    """DESCRIBE [EXTENDED | FORMATTED] table: the form Athena runs on the Glue catalog.

    sqlglot also parses DESCRIBE of a query, a database, a partition or a table's history;
    the endpoint answers only the plain table form.
    """
    style = (ast.args.get("style") or "").upper()
    extras = [key for key, value in ast.args.items() if value and key not in ("this", "style")]
    table = ast.this
    return (
        style in ("", "EXTENDED", "FORMATTED")
        and not extras
        and isinstance(table, exp.Table)
        and isinstance(table.this, exp.Identifier)
    )
