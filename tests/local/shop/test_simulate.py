"""A simulated day changes the shop the way a real day would, and only inside that day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import psycopg
import pytest

from local.shop.model import ID_COLUMNS, TABLES, ShopSpec
from local.shop.simulate import DayAlreadySimulated, simulate_day

FIRST_DAY = ShopSpec().end_date + timedelta(days=1)
FORWARD = {
    "placed": {"paid", "cancelled"},
    "paid": {"shipped"},
    "shipped": {"delivered"},
    "delivered": {"refunded"},
}


def snapshot(conn: psycopg.Connection) -> dict[str, dict[int, tuple]]:
    return {
        table: {row[0]: row for row in conn.execute(f"select * from {table} order by {ID_COLUMNS[table]}")}
        for table in TABLES
    }


def column(conn: psycopg.Connection, table: str, name: str) -> int:
    return [d.name for d in conn.execute(f"select * from {table} limit 0").description].index(name)


def test_every_change_is_stamped_inside_the_day_and_nothing_else_moves(conn: psycopg.Connection) -> None:
    before = snapshot(conn)
    summary = simulate_day(conn, FIRST_DAY)
    after = snapshot(conn)

    changed_total = 0
    for table in TABLES:
        stamp = column(conn, table, "updated_at")
        for key, row in after[table].items():
            if before[table].get(key) != row:
                changed_total += 1
                assert row[stamp].date() == FIRST_DAY, (table, key, row[stamp])
            else:
                assert row[stamp].date() < FIRST_DAY, (table, key)
        removed = set(before[table]) - set(after[table])
        if table != "payments":
            assert removed == set(), f"{table}: rows are soft-deleted, never removed"
            continue
        # payments are hard-deleted: the failed attempts of the orders deleted that day, and only those
        assert len(removed) == summary.purged_payments
        status = column(conn, table, "status")
        deleted = column(conn, "orders", "deleted_at")
        for key in removed:
            payment = before[table][key]
            assert payment[status] == "failed", payment
            assert after["orders"][payment[1]][deleted].date() == FIRST_DAY, payment
    assert changed_total > 50


def test_new_orders_are_placed_that_day_with_items_and_fresh_ids(conn: psycopg.Connection) -> None:
    highest = conn.execute("select max(order_id) from orders").fetchone()[0]
    summary = simulate_day(conn, FIRST_DAY)

    new = conn.execute(
        "select min(ordered_at), max(ordered_at), count(*) from orders where order_id > %s", (highest,)
    ).fetchone()
    assert new[2] == summary.new_orders > 0
    assert new[0].date() == new[1].date() == FIRST_DAY
    without_items = conn.execute(
        "select count(*) from orders o where order_id > %s"
        " and not exists (select 1 from order_items i where i.order_id = o.order_id)",
        (highest,),
    ).fetchone()[0]
    assert without_items == 0


def test_statuses_only_move_forward(conn: psycopg.Connection) -> None:
    before = dict(conn.execute("select order_id, status from orders").fetchall())
    simulate_day(conn, FIRST_DAY)
    after = dict(conn.execute("select order_id, status from orders").fetchall())

    moves = {(before[k], after[k]) for k in before if before[k] != after[k]}
    assert moves, "a day moves some orders along"
    for old, new in moves:
        assert new in FORWARD.get(old, set()), f"{old} -> {new}"


def test_payments_still_match_their_items_after_price_corrections(conn: psycopg.Connection) -> None:
    summaries = [simulate_day(conn, FIRST_DAY + timedelta(days=i)) for i in range(3)]
    assert sum(s.price_corrections for s in summaries) > 0

    mismatched = conn.execute(
        "select count(*) from payments p join ("
        "  select order_id, sum(quantity * unit_price - discount) as total from order_items group by 1"
        ") t using (order_id) where p.status in ('captured', 'authorized') and p.amount <> t.total"
    ).fetchone()[0]
    assert mismatched == 0


def test_a_few_days_bring_late_updates_to_old_orders_and_soft_deletes(conn: psycopg.Connection) -> None:
    days = [FIRST_DAY + timedelta(days=i) for i in range(3)]
    summaries = [simulate_day(conn, day) for day in days]

    late = conn.execute(
        "select count(*) from orders where status = 'refunded' and updated_at::date >= %s"
        " and ordered_at < updated_at::date - 14",
        (days[0],),
    ).fetchone()[0]
    assert late == sum(s.late_updates for s in summaries) > 0
    deleted = conn.execute("select count(*) from orders where deleted_at::date >= %s", (days[0],)).fetchone()[
        0
    ]
    assert deleted == sum(s.deleted_orders for s in summaries) > 0
    assert sum(s.refunds for s in summaries) > 0
    # a day's changes reach back no further than the late refunds: the old order dates stay untouched
    reach = conn.execute(
        "select max(updated_at::date - (ordered_at at time zone 'UTC')::date) from orders"
        " where updated_at::date >= %s",
        (days[0],),
    ).fetchone()[0]
    assert reach <= 61, f"a simulated day changed an order {reach} days old"


def test_the_same_day_on_the_same_shop_makes_the_same_changes(
    conn: psycopg.Connection, make_database: Callable[[], str]
) -> None:
    from local.shop.generate import generate_shop
    from local.shop.load import replace_shop

    with psycopg.connect(make_database(), autocommit=True) as twin:
        replace_shop(twin, generate_shop(ShopSpec(orders=3_000)))
        simulate_day(twin, FIRST_DAY)
        simulate_day(conn, FIRST_DAY)
        assert snapshot(twin) == snapshot(conn)


def test_a_day_can_be_simulated_only_after_the_latest_activity(conn: psycopg.Connection) -> None:
    summary = simulate_day(conn)
    assert summary.day == FIRST_DAY, "by default the day after the latest activity"

    with pytest.raises(DayAlreadySimulated, match=f"cannot simulate {FIRST_DAY}"):
        simulate_day(conn, FIRST_DAY)
    with pytest.raises(DayAlreadySimulated):
        simulate_day(conn, date(2026, 1, 1))
