"""The source schema as loaded into the real embedded Postgres: keys, checks, trigger, indexes."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from local.shop.load import row_counts
from local.shop.model import ID_COLUMNS, TABLES, ShopSpec


def test_seed_loads_every_generated_row(conn: psycopg.Connection) -> None:
    counts = row_counts(conn)
    spec = ShopSpec(orders=3_000)
    assert counts["orders"] == 3_000
    assert counts["customers"] == spec.customers
    assert counts["products"] == spec.products
    assert counts["order_items"] > counts["orders"]
    assert 0 < counts["payments"] <= counts["orders"]


def test_every_table_has_its_primary_key_and_the_foreign_keys_hold(conn: psycopg.Connection) -> None:
    for table, column in ID_COLUMNS.items():
        pk = conn.execute(
            "select a.attname from pg_index i join pg_attribute a"
            " on a.attrelid = i.indrelid and a.attnum = any(i.indkey)"
            " where i.indrelid = %s::regclass and i.indisprimary",
            (table,),
        ).fetchall()
        assert pk == [(column,)], table
    orphans = {
        "orders->customers": "select count(*) from orders o left join customers c using (customer_id)"
        " where c.customer_id is null",
        "order_items->orders": "select count(*) from order_items i left join orders o using (order_id)"
        " where o.order_id is null",
        "order_items->products": "select count(*) from order_items i left join products p using (product_id)"
        " where p.product_id is null",
        "payments->orders": "select count(*) from payments p left join orders o using (order_id)"
        " where o.order_id is null",
    }
    for name, sql in orphans.items():
        assert conn.execute(sql).fetchone()[0] == 0, name
    fks = conn.execute("select count(*) from pg_constraint where contype = 'f'").fetchone()[0]
    assert fks == 4


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("update orders set status = 'lost' where order_id = 1", "orders_status_check"),
        ("update order_items set quantity = 0 where order_item_id = 1", "order_items_quantity_check"),
        ("update order_items set discount = -1 where order_item_id = 1", "order_items_discount_check"),
        ("update customers set segment = 'vip' where customer_id = 1", "customers_segment_check"),
        (
            "insert into order_items (order_id, product_id, quantity, unit_price) values (-1, 1, 1, 1)",
            "order_items_order_id_fkey",
        ),
    ],
)
def test_constraints_reject_invalid_rows(conn: psycopg.Connection, sql: str, constraint: str) -> None:
    with pytest.raises(psycopg.errors.IntegrityError, match=constraint):
        conn.execute(sql)


def test_updated_at_is_kept_current_unless_the_update_sets_it(conn: psycopg.Connection) -> None:
    before = conn.execute("select updated_at from orders where order_id = 1").fetchone()[0]
    conn.execute("update orders set currency = 'EUR' where order_id = 1")
    touched = conn.execute("select updated_at, now() from orders where order_id = 1").fetchone()
    assert touched[0] > before and abs((touched[1] - touched[0]).total_seconds()) < 60

    explicit = datetime(2026, 11, 2, 10, 30, tzinfo=UTC)
    conn.execute("update orders set status = 'refunded', updated_at = %s where order_id = 1", (explicit,))
    assert conn.execute("select updated_at from orders where order_id = 1").fetchone()[0] == explicit


def test_cursor_columns_are_indexed(conn: psycopg.Connection) -> None:
    for table in TABLES:
        indexed = conn.execute(
            "select count(*) from pg_indexes where tablename = %s and indexdef like '%%(updated_at)'",
            (table,),
        ).fetchone()[0]
        assert indexed == 1, table


def test_identities_continue_after_the_explicit_ids_of_the_seed(conn: psycopg.Connection) -> None:
    highest = conn.execute("select max(customer_id) from customers").fetchone()[0]
    new_id = conn.execute(
        "insert into customers (email, full_name, segment, country)"
        " values ('new@example.com', 'New Person', 'consumer', 'US') returning customer_id"
    ).fetchone()[0]
    assert new_id == highest + 1


def test_loaded_values_equal_the_generated_ones_exactly(conn: psycopg.Connection) -> None:
    from local.shop.generate import generate_shop

    generated = generate_shop(ShopSpec(orders=3_000))["payments"].slice(0, 50).to_pylist()
    loaded = conn.execute(
        "select payment_id, order_id, method, amount, status, paid_at, created_at, updated_at"
        " from payments order by payment_id limit 50"
    ).fetchall()
    assert [tuple(row.values()) for row in generated] == loaded
