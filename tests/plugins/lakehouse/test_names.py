"""Names built in one place are read back the same way."""

from __future__ import annotations

import pytest

from lakehouse.names import dataset_of_task, group_id, wap_task_id


@pytest.mark.parametrize(
    ("layer", "name"), [("silver", "orders"), ("silver", "order_items"), ("gold", "daily_revenue")]
)
def test_a_write_audit_publish_task_id_reads_back_as_its_dataset(layer: str, name: str) -> None:
    assert group_id(layer, name) == f"{layer}_{name}"
    assert dataset_of_task(wap_task_id(layer, name, "audit")) == f"{layer}.{name}"


@pytest.mark.parametrize(
    "task_id", ["export", "crawl_bronze", "select_tables", "silver_orders", "bronze_x.plan"]
)
def test_tasks_outside_the_groups_have_no_dataset(task_id: str) -> None:
    assert dataset_of_task(task_id) is None
