"""pipeline.yaml is validated into typed objects; mistakes name the key and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lakehouse.config import ConfigError, load_config, parse_yaml, pipeline_config
from lakehouse.paths import include_dir

VALID = {
    "source": {
        "tables": [
            {"name": "orders", "primary_key": ["order_id"], "cursor_column": "updated_at", "deletes": "none"},
        ]
    }
}


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "pipeline.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
    return path


def with_table(**changes: object) -> dict:
    table = {**VALID["source"]["tables"][0], **changes}
    return {"source": {"tables": [table]}}


def test_the_repository_config_loads_and_declares_the_shop() -> None:
    config = pipeline_config()
    assert [t.name for t in config.source.tables] == [
        "customers",
        "products",
        "orders",
        "order_items",
        "payments",
    ]
    assert config.table("orders").business_date_column == "ordered_at"
    assert config.table("customers").pii_columns == ["email", "full_name"]
    assert config.source.conn_id == "postgres_oltp"


def test_defaults_apply_to_optional_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID))
    table = config.table("orders")
    assert table.mode == "incremental" and table.pii_columns == [] and table.business_date_column is None
    # Athena waits default to the longest query Athena itself allows
    assert config.athena.query_timeout_minutes == 240 and config.athena.query_timeout_s == 14_400


@pytest.mark.parametrize(
    ("content", "key", "reason"),
    [
        (with_table(cursor_column="Updated At"), "source.tables.0.cursor_column", "should match pattern"),
        (with_table(mode="sometimes"), "source.tables.0.mode", "'incremental' or 'full'"),
        (with_table(primary_key=[]), "source.tables.0.primary_key", "at least 1 item"),
        (with_table(cursor="updated_at"), "source.tables.0.cursor", "Extra inputs are not permitted"),
        ({"source": {"tables": []}}, "source.tables", "at least 1 item"),
        ({"sauce": {}}, "source", "Field required"),
        (with_table(name="orders; drop table x"), "source.tables.0.name", "should match pattern"),
        (with_table(deletes=None), "source.tables.0", "deletes: required for an incremental table"),
        (with_table(deletes="soft"), "source.tables.0", "deletes: soft needs the delete_column"),
        (with_table(delete_column="deleted_at"), "source.tables.0", "delete_column is for deletes: soft"),
        (with_table(deletes="sometimes"), "source.tables.0.deletes", "'none', 'soft' or 'hard'"),
        ({**VALID, "schedule": {"cron": "daily"}}, "schedule.cron", "should match pattern"),
        ({**VALID, "lake": {"bucket": "Not_A_Bucket"}}, "lake.bucket", "should match pattern"),
        ({**VALID, "gold": [{"name": "daily_revenue"}]}, "gold.0.key_columns", "Field required"),
        (
            {**VALID, "athena": {"query_timeout_minutes": 300}},
            "athena.query_timeout_minutes",
            "less than or equal to 240",
        ),
        ({**VALID, "athena": {"report_timeout_seconds": 0}}, "athena.report_timeout_seconds", "greater than"),
    ],
)
def test_a_malformed_config_names_the_key_and_the_reason(
    tmp_path: Path, content: dict, key: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, content))
    message = str(error.value)
    assert f"  {key}: " in message and reason in message, message


def test_duplicate_table_names_are_rejected(tmp_path: Path) -> None:
    table = VALID["source"]["tables"][0]
    with pytest.raises(ConfigError, match="repeated: orders"):
        load_config(write(tmp_path, {"source": {"tables": [table, table]}}))


def test_invalid_yaml_and_missing_files_are_reported_with_the_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "source: [unclosed"))
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(ConfigError, match="cannot read pipeline config"):
        load_config(tmp_path / "absent.yaml")


def test_include_dir_can_be_pointed_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAKEHOUSE_INCLUDE_DIR", str(tmp_path))
    include_dir.cache_clear()
    try:
        assert include_dir() == tmp_path
    finally:
        include_dir.cache_clear()


def test_pii_method_and_lookback_default_to_hash_and_zero(tmp_path: Path) -> None:
    table = load_config(write(tmp_path, with_table(pii_columns=["email"]))).table("orders")
    assert table.pii_method == "hash" and table.lookback_minutes == 0
    table = load_config(write(tmp_path, with_table(pii_method="mask", lookback_minutes=90))).table("orders")
    assert table.pii_method == "mask" and table.lookback_minutes == 90


@pytest.mark.parametrize(
    ("changes", "key", "reason"),
    [
        ({"pii_method": "rot13"}, "source.tables.0.pii_method", "'hash' or 'mask'"),
        ({"lookback_minutes": -5}, "source.tables.0.lookback_minutes", "greater than or equal to 0"),
        ({"pii_columns": ["order_id"]}, "source.tables.0", "cannot hide key or cursor columns: order_id"),
    ],
)
def test_malformed_pii_and_lookback_settings_are_rejected(
    tmp_path: Path, changes: dict, key: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, with_table(**changes)))
    assert f"  {key}: " in str(error.value) and reason in str(error.value), str(error.value)


def test_gold_can_only_be_affected_by_source_tables_with_a_business_date(tmp_path: Path) -> None:
    content = {
        **with_table(business_date_column="ordered_at"),
        "gold": [
            {
                "name": "daily",
                "partition_column": "order_date",
                "key_columns": ["order_date"],
                "affected_by": ["orders", "refunds"],
            }
        ],
    }
    with pytest.raises(
        ConfigError, match=r"gold.0.affected_by: refunds are not source tables with a business"
    ):
        load_config(write(tmp_path, content))
    content["gold"][0]["affected_by"] = ["orders"]
    config = load_config(write(tmp_path, content))
    assert config.affecting(config.gold[0]) == ["orders"]
    del content["gold"][0]["affected_by"]
    default = load_config(write(tmp_path, content))
    assert default.affecting(default.gold[0]) == ["orders"]  # by default every table with a business date


def test_gold_is_built_only_from_gold_listed_before_it(tmp_path: Path) -> None:
    daily = {"name": "daily", "partition_column": "order_date", "key_columns": ["order_date"]}
    summary = {"name": "summary", "key_columns": ["order_date"], "built_from": ["daily"]}
    content = {**with_table(business_date_column="ordered_at"), "gold": [summary, daily]}
    with pytest.raises(
        ConfigError, match=r"gold.0.built_from: daily must be gold datasets listed before summary"
    ):
        load_config(write(tmp_path, content))
    content["gold"] = [daily, summary]
    assert load_config(write(tmp_path, content)).gold[1].built_from == ["daily"]


def test_a_settled_history_folds_one_dated_dataset_that_its_readers_read_too(tmp_path: Path) -> None:
    daily = {"name": "daily", "partition_column": "order_date", "key_columns": ["order_date"]}
    history = {"name": "history", "key_columns": ["customer_id"], "built_from": ["daily"]}
    reader = {"name": "reader", "key_columns": ["customer_id"], "built_from": ["history"]}
    content = {**with_table(business_date_column="ordered_at")}
    content["gold"] = [daily, {**history, "settles_after_days": 62, "partition_column": "order_date"}]
    with pytest.raises(
        ConfigError, match=r"gold.1.settles_after_days: history must have no partition_column"
    ):
        load_config(write(tmp_path, content))
    content["gold"] = [daily, {**history, "settles_after_days": 0}]
    with pytest.raises(ConfigError, match=r"gold.1.settles_after_days: .*greater than or equal to 1"):
        load_config(write(tmp_path, content))
    content["gold"] = [daily, {**history, "settles_after_days": 62}, reader]
    with pytest.raises(ConfigError, match=r"gold.2.built_from: reader reads history, so it must be built"):
        load_config(write(tmp_path, content))
    content["gold"][2] = {**reader, "built_from": ["daily", "history"]}
    config = load_config(write(tmp_path, content))
    assert config.settled_history(config.gold[2]) == config.gold[1]
    assert config.settled_history(config.gold[1]) is None


def test_maintenance_keeps_what_the_issue_asks_unless_told(tmp_path: Path) -> None:
    maintenance = load_config(write(tmp_path, VALID)).maintenance
    assert (maintenance.superseded_days, maintenance.abandoned_staging_days) == (7, 1)
    assert maintenance.athena_results_days == 7
    assert pipeline_config().maintenance == maintenance, "pipeline.yaml states the defaults"


@pytest.mark.parametrize(
    ("maintenance", "key", "reason"),
    [
        ({"superseded_days": 0}, "maintenance.superseded_days", "greater than or equal to 1"),
        ({"abandoned_staging_days": "a week"}, "maintenance.abandoned_staging_days", "valid integer"),
        ({"athena_results_days": -1}, "maintenance.athena_results_days", "greater than or equal to 1"),
        ({"cron": "nightly"}, "maintenance.cron", "should match pattern"),
        ({"run_timeout_hours": 0}, "maintenance.run_timeout_hours", "greater than or equal to 1"),
        ({"keep_days": 3}, "maintenance.keep_days", "Extra inputs are not permitted"),
    ],
)
def test_malformed_retention_names_the_key_and_the_reason(
    tmp_path: Path, maintenance: dict, key: str, reason: str
) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, {**VALID, "maintenance": maintenance}))
    assert f"  {key}: " in str(error.value) and reason in str(error.value), str(error.value)


def test_gold_is_due_by_six_utc_unless_told(tmp_path: Path) -> None:
    schedule = load_config(write(tmp_path, VALID)).schedule
    assert schedule.publish_by == "06:00" and schedule.publish_cron == "0 6 * * *"
    assert pipeline_config().schedule.publish_by == schedule.publish_by, "pipeline.yaml states the default"
    told = load_config(write(tmp_path, {**VALID, "schedule": {"publish_by": "07:30"}})).schedule
    assert told.publish_cron == "30 7 * * *"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("schedule:\n  publish_by: 6:00\n", "a time of day in quotes"),  # YAML's sexagesimal integer
        ({"schedule": {"publish_by": "6am"}}, 'a time of day "HH:MM" (UTC)'),
        ({"schedule": {"publish_by": "6:00"}}, 'a time of day "HH:MM" (UTC)'),
        ({"schedule": {"publish_by": "24:00"}}, "is not a time of day"),
        ({"schedule": {"publish_by": "06:60"}}, "is not a time of day"),
    ],
)
def test_a_malformed_publish_by_names_the_key_and_the_reason(
    tmp_path: Path, content: dict | str, reason: str
) -> None:
    content = yaml.safe_dump(VALID) + content if isinstance(content, str) else {**VALID, **content}
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, content))
    assert "  schedule.publish_by: " in str(error.value) and reason in str(error.value), str(error.value)


def test_abandoned_staging_outlives_a_running_run(tmp_path: Path) -> None:
    content = {**VALID, "schedule": {"run_timeout_hours": 36}, "maintenance": {"abandoned_staging_days": 1}}
    reason = r"maintenance.abandoned_staging_days: 1 keeps staging for less than schedule.run_timeout_hours"
    with pytest.raises(ConfigError, match=reason):
        load_config(write(tmp_path, content))
    content["maintenance"]["abandoned_staging_days"] = 2
    assert load_config(write(tmp_path, content)).maintenance.abandoned_staging_days == 2


def test_yaml_is_read_as_its_safe_subset_whichever_parser_reads_it() -> None:
    text = (include_dir() / "pipeline.yaml").read_text()
    assert parse_yaml(text) == yaml.safe_load(text)
    with pytest.raises(yaml.YAMLError):
        parse_yaml("!!python/object/apply:os.system ['true']")


def test_the_datasets_are_silvers_tables_then_golds_and_one_layer_is_its_own() -> None:
    config = pipeline_config()
    silver = [("silver", t.name) for t in config.source.tables]
    gold = [("gold", d.name) for d in config.gold]
    assert config.datasets() == silver + gold
    assert config.datasets("silver") == silver and config.datasets("gold") == gold
