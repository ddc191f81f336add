"""The generator is deterministic, scales with its knob, and has the shop's shape."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from local.shop.generate import generate_shop
from local.shop.model import TABLES, ShopSpec


@pytest.fixture(scope="module")
def shop() -> dict[str, pa.Table]:
    return generate_shop(ShopSpec())


def test_same_seed_gives_identical_rows(shop: dict[str, pa.Table]) -> None:
    again = generate_shop(ShopSpec())
    for name in TABLES:
        assert again[name].equals(shop[name]), name


def test_different_seed_gives_different_rows(shop: dict[str, pa.Table]) -> None:
    other = generate_shop(ShopSpec(seed=7))
    assert not other["orders"].equals(shop["orders"])
    assert not other["order_items"].equals(shop["order_items"])


def test_default_scale_is_ten_thousand_orders_and_sizes_follow_the_knob(shop: dict[str, pa.Table]) -> None:
    spec = ShopSpec()
    assert shop["orders"].num_rows == 10_000
    assert shop["customers"].num_rows == spec.customers
    assert shop["products"].num_rows == spec.products
    bigger = ShopSpec(orders=50_000)
    assert generate_shop(bigger)["orders"].num_rows == 50_000
    assert generate_shop(bigger)["customers"].num_rows == bigger.customers == 50_000 // 6


def test_every_timestamp_lies_between_opening_and_the_end_date(shop: dict[str, pa.Table]) -> None:
    spec = ShopSpec()
    for name in TABLES:
        table = shop[name]
        for column in ("created_at", "updated_at"):
            days = pc.cast(table[column], pa.date32()).to_pylist()
            assert min(days) >= spec.start_date, (name, column)
            assert max(days) <= spec.end_date, (name, column)
        assert pc.all(pc.greater_equal(table["updated_at"], table["created_at"])).as_py(), name


def test_orders_are_skewed_towards_a_few_heavy_customers_and_products(shop: dict[str, pa.Table]) -> None:
    per_customer = np.sort(np.bincount(shop["orders"]["customer_id"].to_numpy()))[::-1]
    top_decile = per_customer[: len(per_customer) // 10].sum() / per_customer.sum()
    assert top_decile > 0.25, f"top 10% of customers place {top_decile:.0%} of orders"

    per_product = np.sort(np.bincount(shop["order_items"]["product_id"].to_numpy()))[::-1]
    top_products = per_product[: len(per_product) // 10].sum() / per_product.sum()
    assert top_products > 0.4, f"top 10% of products sell {top_products:.0%} of items"


def test_volume_is_seasonal_with_a_december_peak_and_busier_weekends(shop: dict[str, pa.Table]) -> None:
    days = pc.cast(shop["orders"]["ordered_at"], pa.date32()).to_pylist()
    per_month: dict[tuple[int, int], int] = {}
    weekday_counts = np.zeros(7)
    for day in days:
        per_month[(day.year, day.month)] = per_month.get((day.year, day.month), 0) + 1
        weekday_counts[day.weekday()] += 1
    assert per_month[(2025, 12)] > 1.4 * per_month[(2026, 2)]
    assert weekday_counts[5:].mean() > 1.1 * weekday_counts[:5].mean()


def test_order_status_follows_age(shop: dict[str, pa.Table]) -> None:
    orders = shop["orders"]
    end = ShopSpec().end_date
    old = pc.less(pc.cast(orders["ordered_at"], pa.date32()), pa.scalar(date(end.year, end.month, 1)))
    old_statuses = set(pc.filter(orders["status"], old).to_pylist())
    assert old_statuses <= {"delivered", "cancelled", "refunded"}
    assert "placed" in orders["status"].to_pylist(), "the last day has orders not yet paid"


def test_captured_payments_equal_the_sum_of_their_items(shop: dict[str, pa.Table]) -> None:
    items = shop["order_items"].to_pandas()
    items["line"] = items["quantity"] * items["unit_price"] - items["discount"]
    totals = items.groupby("order_id")["line"].sum()
    payments = shop["payments"].to_pandas()
    captured = payments[payments["status"] == "captured"]
    assert len(captured) > 0
    assert (captured.set_index("order_id")["amount"] == totals.loc[captured["order_id"]]).all()
    assert (items["discount"] <= items["quantity"] * items["unit_price"]).all()


def test_customers_sign_up_before_their_first_order(shop: dict[str, pa.Table]) -> None:
    orders = shop["orders"].to_pandas()
    first = orders.groupby("customer_id")["ordered_at"].min()
    customers = shop["customers"].to_pandas().set_index("customer_id")
    assert (customers.loc[first.index, "created_at"] <= first).all()


def test_a_few_rows_are_soft_deleted(shop: dict[str, pa.Table]) -> None:
    deleted_orders = shop["orders"]["deleted_at"].null_count
    deleted_customers = shop["customers"]["deleted_at"].null_count
    assert 0 < shop["orders"].num_rows - deleted_orders < 0.02 * shop["orders"].num_rows
    assert 0 < shop["customers"].num_rows - deleted_customers < 0.05 * shop["customers"].num_rows


def test_spec_rejects_nonsense_sizes() -> None:
    with pytest.raises(ValueError, match="orders must be >= 1"):
        ShopSpec(orders=0)
    with pytest.raises(ValueError, match="history_days must be >= 7"):
        ShopSpec(history_days=3)
