"""SQL rendering quotes values, rejects unsafe names, and produces statements Athena can parse."""

from __future__ import annotations

import pytest
import sqlglot

from lakehouse.sql import UnsafeSqlValue, identifier, quote_ident, render, s3_location, sql_list, sql_string


def test_string_literals_are_quoted_and_escaped() -> None:
    assert sql_string("2026-11-01") == "'2026-11-01'"
    assert sql_string("o'brien") == "'o''brien'"
    assert sql_list(["a", "b'c"]) == "'a', 'b''c'"


@pytest.mark.parametrize("bad", ["Orders", "orders; drop table x", "1abc", "a-b", "", "ünï"])
def test_identifiers_that_are_not_plain_lower_case_names_are_rejected(bad: str) -> None:
    with pytest.raises(UnsafeSqlValue, match="not a safe SQL identifier"):
        identifier(bad)


def test_unsafe_literals_and_empty_lists_are_rejected() -> None:
    with pytest.raises(UnsafeSqlValue):
        sql_string("a\x00b")
    with pytest.raises(UnsafeSqlValue, match="empty list"):
        sql_list([])
    with pytest.raises(UnsafeSqlValue, match="not an S3 location"):
        s3_location("s3://bucket/x' or 1=1")


def test_a_silver_statement_renders_to_valid_athena_sql() -> None:
    body = render(
        "silver/current_state.sql",
        table="orders",
        key_columns=["order_id"],
        cursor_column="updated_at",
        delete_column="deleted_at",
        columns=["order_id", "status", "ordered_at", "updated_at"],
        column_types={"status": "string"},
        bronze_db="bronze",
        silver_db="silver",
        ingest_dates=["2026-10-31", "2026-11-01"],
        partition_column="order_date",
        business_date_column="ordered_at",
        partitions=["2026-10-31", "2026-11-01"],
        merge_published=True,
        published_columns=["order_id", "ordered_at", "updated_at"],
        key_table="orders__keys",
        key_set_date="2026-11-01",
    )
    sql = render(
        "staging/create_table_as.sql",
        staging_db="staging",
        temp_table="silver_orders_x",
        location="s3://lake/silver/orders/_runs/x/",
        partition_column="order_date",
        body=body,
    )
    parsed = sqlglot.parse_one(sql, read="athena")
    assert parsed.key == "create"
    assert "cast(null as varchar) as status" in sql, "a column new in bronze is null in published rows"
    assert "partitioned_by = array['order_date']" in sql


def test_an_undefined_template_variable_is_an_error() -> None:
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("staging/insert_into.sql", staging_db="staging", temp_table="t")


@pytest.mark.parametrize(
    ("glue", "trino"),
    [
        ("string", "varchar"),
        ("int", "integer"),
        ("float", "real"),
        ("decimal(12,2)", "decimal(12,2)"),
        ("array<string>", "array(varchar)"),
        ("timestamp", "timestamp"),
    ],
)
def test_glue_types_become_athena_dml_types(glue: str, trino: str) -> None:
    from lakehouse.sql import trino_type

    assert trino_type(glue) == trino


def test_an_unknown_glue_type_is_an_error_not_a_guess() -> None:
    from lakehouse.sql import trino_type

    with pytest.raises(UnsafeSqlValue, match="struct"):
        trino_type("struct<a:int>")


def test_one_quoting_for_every_engine_doubles_quotes_and_refuses_nul() -> None:
    assert quote_ident('odd "name"') == '"odd ""name"""'
    assert sql_string("it's") == "'it''s'"
    with pytest.raises(UnsafeSqlValue, match="NUL"):
        sql_string("a\x00b")


# The quoting filters of lakehouse.sql, and the names that hold SQL our own code rendered
# (a statement's body, a relation or lookup built from validated names, a key range of parsed
# integers) or a loop counter, rather than a value.
QUOTING_FILTERS = ("identifier", "sql_string", "sql_list", "s3", "trino_type")
RENDERED_SQL = {
    "body",
    "relation",
    "staged",
    "lookup.sql",
    "n",
    "loop.index",
    "interval_start",
    "live_filter",
    "staged_where",
    "live_where",
}
RENDERED_CALLS = ("relation(", "in_staged_range(")


def _jinja(source: str, opening: str, closing: str) -> list[str]:
    import re

    pattern = re.escape(opening) + r"-?(.*?)-?" + re.escape(closing)
    return [match.strip() for match in re.findall(pattern, source, flags=re.S)]


def test_no_template_reads_params_or_conf_and_every_value_it_prints_is_quoted() -> None:
    import re

    from lakehouse.paths import sql_dir

    templates = sorted(sql_dir().rglob("*.sql"))
    assert len(templates) > 20
    for path in templates:
        name = path.relative_to(sql_dir())
        source = path.read_text()
        code = _jinja(source, "{{", "}}") + _jinja(source, "{%", "%}")
        run_values = [part for part in code if re.search(r"\b(params|dag_run|conf|var|ti)\b", part)]
        assert run_values == [], f"{name} reads what a run carries: {run_values}"
        filters = "|".join(QUOTING_FILTERS)
        # names the template itself sets from quoted values, e.g. columns | map("identifier")
        quoted_names = {
            match.group(1)
            for statement in _jinja(source, "{%", "%}")
            if (match := re.match(r"set (\w+) = .*\b(" + filters + r")\b", statement))
        }
        for output in _jinja(source, "{{", "}}"):
            expression = output.split("|")[0].strip()
            quoted = expression in quoted_names or re.search(rf"\|\s*({filters})\b", output) is not None
            literal = expression.startswith(('"', "'"))  # the template's own text, e.g. " and " between keys
            rendered = literal or expression in RENDERED_SQL or expression.startswith(RENDERED_CALLS)
            assert quoted or rendered, f"{name}: {{{{ {output} }}}} prints a value unquoted"


@pytest.mark.parametrize(
    "hostile",
    ["orders; drop table customers; --", 'orders" or 1=1', "a b", "Orders", "x'--", "$(reboot)"],
)
def test_the_source_check_refuses_a_hostile_identifier(hostile: str) -> None:
    for field in ("schema", "table", "cursor_column"):
        context = {"schema": "public", "table": "orders", "cursor_column": "updated_at"} | {field: hostile}
        with pytest.raises(UnsafeSqlValue):
            render("source/activity_check.sql", **context, require_change=True, interval_start="x")
