"""Expectation suites as data: one per dataset, accepted by Great Expectations, errors naming their key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lakehouse.config import pipeline_config
from lakehouse.paths import sql_dir
from lakehouse.quality.gate import expectations_for
from lakehouse.quality.suite import SuiteError, load_suite, load_suite_file
from lakehouse.sql import render

SUPPLIED_PARAMETERS = {"now", "opened_on", "opened_on_date", "day"}


def _datasets() -> list[tuple[str, str]]:
    config = pipeline_config()
    return [("silver", t.name) for t in config.source.tables] + [("gold", d.name) for d in config.gold]


@pytest.mark.parametrize(("layer", "name"), _datasets())
def test_every_dataset_has_a_suite_that_great_expectations_accepts(layer: str, name: str) -> None:
    suite = load_suite(layer, name)
    built = expectations_for(suite, volume=None)
    assert len(built) == len(suite.expectations) + 1  # plus the ordered column list
    assert suite.dataset == f"{layer}.{name}"


@pytest.mark.parametrize(("layer", "name"), _datasets())
def test_suites_use_only_the_parameters_the_audit_supplies(layer: str, name: str) -> None:
    text = (sql_dir() / layer / f"{name}.suite.yaml").read_text()
    assert set(re.findall(r"\$PARAMETER: (\w+)", text)) <= SUPPLIED_PARAMETERS


@pytest.mark.parametrize(("layer", "name"), _datasets())
def test_every_lookup_a_suite_declares_has_its_sql(layer: str, name: str) -> None:
    for lookup in load_suite(layer, name).lookups:
        assert (sql_dir() / lookup.template).is_file(), lookup.template


def test_silver_suites_declare_every_silver_column_and_the_primary_key_checks() -> None:
    config = pipeline_config()
    for table in config.source.tables:
        suite = load_suite("silver", table.name)
        if table.silver_partition:
            assert list(suite.columns)[-1] == table.silver_partition
        assert table.delete_column not in suite.columns  # soft deletes leave silver
        checks = {(e.type, e.kwargs.get("column")) for e in suite.expectations}
        for key in table.primary_key:
            assert ("expect_column_values_to_not_be_null", key) in checks
            assert ("expect_column_values_to_be_unique", key) in checks


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orders.suite.yaml"
    path.write_text(text)
    return path


VALID = """
columns: {order_id: bigint, status: string}
expectations:
  - {type: expect_column_values_to_not_be_null, column: order_id}
"""


def test_a_valid_suite_file_loads(tmp_path: Path) -> None:
    suite = load_suite_file(_write(tmp_path, VALID))
    assert suite.batch_columns == ["order_id", "status"]
    assert suite.expectations[0].severity == "critical"


@pytest.mark.parametrize(
    ("text", "key", "reason"),
    [
        (VALID.replace("column: order_id", "column: order_idd"), "expectations.0.column", "order_idd"),
        (VALID.replace("status: string", "status: text"), "columns.status", "'text' is not an Athena type"),
        (
            VALID + "lookups:\n  - {name: found, join_on: [customer_id]}\n",
            "lookups.found.join_on",
            "customer_id",
        ),
        (
            VALID + "lookups:\n  - {name: found, join_on: [order_id], key_range: status}\n",
            "lookups.found.key_range",
            "status is not a declared integer column",
        ),
        (VALID.replace("order_id}", "order_id, severity: fatal}"), "expectations.0.severity", "critical"),
        (VALID + "volume: {critical: {min_ratio: 2, max_ratio: 1}}\n", "volume.critical", "above max_ratio"),
        (VALID.replace("expect_column", "column"), "expectations.0.type", "pattern"),
        ("columns: [order_id]\nexpectations: []\n", "columns", "dictionary"),
    ],
)
def test_a_malformed_suite_names_the_file_the_key_and_the_reason(
    tmp_path: Path, text: str, key: str, reason: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(SuiteError) as caught:
        load_suite_file(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message and reason in message


def test_a_suite_naming_an_expectation_gx_does_not_have_fails_naming_it(tmp_path: Path) -> None:
    suite = load_suite_file(_write(tmp_path, VALID.replace("to_not_be_null", "to_be_lovely")))
    with pytest.raises(ValueError, match="expect_column_values_to_be_lovely is not a Great Expectations"):
        expectations_for(suite, volume=None)


def test_the_batch_joins_each_lookup_on_its_keys() -> None:
    sql = render(
        "audit/batch.sql",
        staging_db="staging",
        temp_table="t",
        lookups=[
            {"name": "order_found", "on": ["order_id"], "sql": "select 1"},
            {"name": "product_found", "on": ["product_id"], "sql": "select 2"},
        ],
    )
    assert "lookup_1.order_found" in sql and "lookup_2.product_found" in sql
    assert "staged.order_id = lookup_1.order_id" in sql
    assert "staged.product_id = lookup_2.product_id" in sql
