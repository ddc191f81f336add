"""Simulate one business day in the shop, so each daily pipeline run has real changes.

A day brings what the lakehouse must handle:
- new customers and new orders (with items and payments) placed that day;
- status changes of recent orders (placed -> paid/cancelled, paid -> shipped,
  shipped -> delivered) with their payments captured;
- refunds of recently delivered orders;
- price corrections on items of recent orders (payment amounts follow);
- late-arriving updates: refunds of orders 14-60 days old, which must land in
  those old order dates' partitions downstream;
- soft deletes of a few orders cancelled in the last 60 days and of a few
  customers, and the hard delete (a purge) of the failed payment attempts of
  those orders;
- list-price changes on a few products.

Every change is stamped with a time inside the day, and the whole day is one
transaction. Given the same shop and the same day, the changes are the same
(the random stream is seeded from the shop's seed and the date). A day can
only be simulated after the latest activity in the shop, which keeps updated_at
monotonic and makes a second run of the same day an error, not a duplicate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

import numpy as np
import psycopg
import pyarrow as pa

from local.shop.generate import (
    US_PER_DAY,
    Catalog,
    day_start_us,
    make_customer_attributes,
    make_orders,
    skewed_weights,
    times_of_day,
    timestamps,
)
from local.shop.load import advance_sequences, copy_table
from local.shop.model import DEFAULT_SEED, ID_COLUMNS, PAYMENT_METHOD_WEIGHTS, PAYMENT_METHODS, TABLES


@dataclass
class DaySummary:
    day: date
    new_customers: int = 0
    new_orders: int = 0
    new_order_items: int = 0
    new_payments: int = 0
    status_changes: int = 0
    refunds: int = 0
    price_corrections: int = 0
    late_updates: int = 0
    deleted_orders: int = 0
    deleted_customers: int = 0
    purged_payments: int = 0
    product_price_changes: int = 0

    def describe(self) -> str:
        parts = [f"{key}={value}" for key, value in asdict(self).items() if key != "day"]
        return f"simulated {self.day}: " + " ".join(parts)


class DayAlreadySimulated(ValueError):
    """The shop already has activity on or after the requested day."""


def latest_activity_day(conn: psycopg.Connection) -> date | None:
    parts = " union all ".join(f"select max(updated_at) as ts from {t}" for t in TABLES)
    latest = conn.execute(f"select max(ts) from ({parts}) s").fetchone()[0]
    return latest.date() if latest else None


def _stamps(rng: np.random.Generator, day: date, n: int) -> list:
    """`n` sorted times inside `day`, as Python datetimes in UTC."""
    us = np.sort(day_start_us(day) + times_of_day(rng, n))
    return timestamps(us).to_pylist()


def _ids(conn: psycopg.Connection, sql: str, params: tuple = ()) -> np.ndarray:
    return np.array([row[0] for row in conn.execute(sql, params).fetchall()], dtype=np.int64)


def _pick(rng: np.random.Generator, ids: np.ndarray, share: float, exclude: set[int]) -> np.ndarray:
    pool = np.array([i for i in ids if int(i) not in exclude], dtype=np.int64)
    if len(pool) == 0:
        return pool
    chosen = pool[rng.random(len(pool)) < share]
    exclude.update(int(i) for i in chosen)
    return chosen


RECENT_DELETES_DAYS = 60  # how far back support deletes cancelled orders (as far as late refunds reach)


def simulate_day(conn: psycopg.Connection, day: date | None = None, seed: int = DEFAULT_SEED) -> DaySummary:
    """Apply one day of activity to the shop behind `conn` and say what changed."""
    latest = latest_activity_day(conn)
    if latest is None:
        raise ValueError("the shop is empty: run `python -m local.shop seed` first")
    day = day or date.fromordinal(latest.toordinal() + 1)
    if day <= latest:
        raise DayAlreadySimulated(f"cannot simulate {day}: the shop already has activity on {latest}")
    rng = np.random.default_rng([seed, day.toordinal()])
    summary = DaySummary(day=day)
    start_us = day_start_us(day)
    end_us = start_us + US_PER_DAY - 1

    with conn.transaction():
        next_id = {
            t: conn.execute(f"select coalesce(max({c}), 0) + 1 from {t}").fetchone()[0]
            for t, c in ID_COLUMNS.items()
        }
        _change_product_prices(conn, rng, day, summary)
        _add_customers_and_orders(conn, rng, day, start_us, end_us, next_id=next_id, summary=summary)
        touched: set[int] = set()
        _progress_statuses(conn, rng, day, touched, summary)
        _refund(conn, rng, day, touched, summary)
        _correct_prices(conn, rng, day, touched, summary)
        _soft_delete(conn, rng, day, touched, summary)
    return summary


def _change_product_prices(conn, rng, day, summary: DaySummary) -> None:
    products = conn.execute("select product_id, unit_price from products order by product_id").fetchall()
    changed = [(pid, price) for pid, price in products if rng.random() < 0.01]
    stamps = _stamps(rng, day, len(changed))
    rows = [
        (round(price * type(price)(str(round(rng.uniform(0.9, 1.12), 2))), 2), ts, pid)
        for (pid, price), ts in zip(changed, stamps, strict=True)
    ]
    with conn.cursor() as cur:
        cur.executemany("update products set unit_price = %s, updated_at = %s where product_id = %s", rows)
    summary.product_price_changes = len(rows)


def _add_customers_and_orders(conn, rng, day, start_us, end_us, *, next_id, summary: DaySummary) -> None:
    recent = conn.execute(
        "select count(*) from orders where ordered_at >= %s::date - 28 and ordered_at < %s::date",
        (day, day),
    ).fetchone()[0]
    weekend_lift = 1.2 if day.weekday() >= 5 else 1.0
    n_orders = int(rng.poisson(max(1.0, recent / 28 * weekend_lift)))
    if n_orders == 0:
        return
    n_new_customers = int(rng.binomial(n_orders, 0.08))
    new_ids = np.arange(next_id["customers"], next_id["customers"] + n_new_customers, dtype=np.int64)
    signup_us = np.sort(start_us + times_of_day(rng, n_new_customers))
    if n_new_customers:
        attributes = make_customer_attributes(rng, new_ids)
        customers = pa.table(
            {
                **attributes,
                "created_at": timestamps(signup_us),
                "updated_at": timestamps(signup_us),
                "deleted_at": timestamps(signup_us, missing=np.ones(n_new_customers, dtype=bool)),
            }
        )
        copy_table(conn, "customers", customers)

    existing = _ids(conn, "select customer_id from customers where deleted_at is null order by customer_id")
    products = conn.execute(
        "select product_id, (unit_price * 100)::bigint from products where active order by product_id"
    ).fetchall()
    product_ids = np.array([p for p, _ in products], dtype=np.int64)
    catalog = Catalog(
        customer_ids=existing,
        customer_weights=skewed_weights(rng, len(existing), 0.9),
        product_ids=product_ids,
        product_weights=skewed_weights(rng, len(product_ids), 1.05),
        product_price_cents=np.array([c for _, c in products], dtype=np.int64),
    )
    ordered_at = np.sort(start_us + times_of_day(rng, n_orders))
    buyers = rng.choice(existing, size=n_orders, p=catalog.customer_weights)
    # new customers place their first order after signing up
    newcomer_orders = rng.choice(n_orders, size=min(n_new_customers, n_orders), replace=False)
    for customer_id, pos, signup in zip(new_ids, newcomer_orders, signup_us, strict=False):
        buyers[pos] = customer_id
        ordered_at[pos] = max(ordered_at[pos], signup + 1)
    order = np.argsort(ordered_at, kind="stable")
    ordered_at, buyers = ordered_at[order], buyers[order]
    generated = make_orders(
        rng, catalog, np.minimum(ordered_at, end_us), end_us, first_ids=next_id, customer_choice=buyers
    )
    for name in ("orders", "order_items", "payments"):
        copy_table(conn, name, getattr(generated, name))
    advance_sequences(conn)  # later inserts today take ids from the identities
    summary.new_customers = n_new_customers
    summary.new_orders = generated.orders.num_rows
    summary.new_order_items = generated.order_items.num_rows
    summary.new_payments = generated.payments.num_rows


def _progress_statuses(conn, rng, day, touched: set[int], summary: DaySummary) -> None:
    """Move recent orders along placed -> paid -> shipped -> delivered (or cancel them)."""
    before = "ordered_at < %s::date and deleted_at is null and status = %s order by order_id"
    placed = _ids(conn, f"select order_id from orders where {before}", (day, "placed"))
    paid_now = _pick(rng, placed, 0.75, touched)
    cancelled_now = _pick(rng, placed, 0.5, touched)
    shipped_now = _pick(
        rng, _ids(conn, f"select order_id from orders where {before}", (day, "paid")), 0.7, touched
    )
    delivered_now = _pick(
        rng, _ids(conn, f"select order_id from orders where {before}", (day, "shipped")), 0.45, touched
    )
    changes = (
        [(oid, "paid") for oid in paid_now]
        + [(oid, "cancelled") for oid in cancelled_now]
        + [(oid, "shipped") for oid in shipped_now]
        + [(oid, "delivered") for oid in delivered_now]
    )
    stamps = _stamps(rng, day, len(changes))
    with conn.cursor() as cur:
        cur.executemany(
            "update orders set status = %s, updated_at = %s where order_id = %s",
            [(status, ts, int(oid)) for (oid, status), ts in zip(changes, stamps, strict=True)],
        )
        paid_stamps = stamps[: len(paid_now)]
        for oid, ts in zip(paid_now, paid_stamps, strict=True):
            _capture_payment(cur, rng, int(oid), ts)
        cancel_stamps = stamps[len(paid_now) : len(paid_now) + len(cancelled_now)]
        cur.executemany(
            "update payments set status = 'failed', updated_at = %s"
            " where order_id = %s and status = 'authorized'",
            [(ts, int(oid)) for oid, ts in zip(cancelled_now, cancel_stamps, strict=True)],
        )
    summary.status_changes = len(changes)


def _capture_payment(cur, rng, order_id: int, ts) -> None:
    cur.execute(
        "update payments set status = 'captured', paid_at = %s, updated_at = %s"
        " where order_id = %s and status = 'authorized'",
        (ts, ts, order_id),
    )
    if cur.rowcount == 0:
        method = PAYMENT_METHODS[int(rng.choice(len(PAYMENT_METHODS), p=PAYMENT_METHOD_WEIGHTS))]
        cur.execute(
            "insert into payments (order_id, method, amount, status, paid_at, created_at, updated_at)"
            " select %s, %s, coalesce(sum(quantity * unit_price - discount), 0), 'captured', %s, %s, %s"
            " from order_items where order_id = %s",
            (order_id, method, ts, ts, ts, order_id),
        )


def _refund(conn, rng, day, touched: set[int], summary: DaySummary) -> None:
    """Refund a few recently delivered orders, and a few old ones (late-arriving updates)."""
    delivered_between = (
        "select order_id from orders where status = 'delivered' and deleted_at is null"
        " and ordered_at >= %s::date - %s and ordered_at < %s::date - %s order by order_id"
    )
    recent = _pick(rng, _ids(conn, delivered_between, (day, 14, day, 0)), 0.01, touched)
    late = _pick(rng, _ids(conn, delivered_between, (day, 60, day, 14)), 0.003, touched)
    refunds = [*recent, *late]
    stamps = _stamps(rng, day, len(refunds))
    with conn.cursor() as cur:
        rows = [(ts, int(oid)) for oid, ts in zip(refunds, stamps, strict=True)]
        cur.executemany("update orders set status = 'refunded', updated_at = %s where order_id = %s", rows)
        cur.executemany(
            "update payments set status = 'refunded', updated_at = %s"
            " where order_id = %s and status = 'captured'",
            rows,
        )
    summary.refunds = len(recent)
    summary.late_updates = len(late)


def _correct_prices(conn, rng, day, touched: set[int], summary: DaySummary) -> None:
    """Correct the unit price of some items of last week's open orders; payments follow."""
    candidates = _ids(
        conn,
        "select order_id from orders where status in ('paid', 'shipped') and deleted_at is null"
        " and ordered_at >= %s::date - 7 and ordered_at < %s::date order by order_id",
        (day, day),
    )
    corrected = _pick(rng, candidates, 0.05, touched)
    stamps = _stamps(rng, day, len(corrected))
    with conn.cursor() as cur:
        for oid, ts in zip(corrected, stamps, strict=True):
            item_id, price = cur.execute(
                "select order_item_id, unit_price from order_items where order_id = %s"
                " order by order_item_id limit 1",
                (int(oid),),
            ).fetchone()
            factor = type(price)(str(round(rng.uniform(0.9, 0.99), 2)))
            cur.execute(
                "update order_items set unit_price = %s, discount = least(discount, quantity * %s),"
                " updated_at = %s where order_item_id = %s",
                (round(price * factor, 2), round(price * factor, 2), ts, item_id),
            )
            cur.execute(
                "update payments p set amount = t.total, updated_at = %s from ("
                " select coalesce(sum(quantity * unit_price - discount), 0) as total"
                " from order_items where order_id = %s) t"
                " where p.order_id = %s and p.status in ('authorized', 'captured')",
                (ts, int(oid), int(oid)),
            )
    summary.price_corrections = len(corrected)


def _soft_delete(conn, rng, day, touched: set[int], summary: DaySummary) -> None:
    # support tidies up what was cancelled lately, not the whole year's history: a day's deletes
    # land in the recent order dates, like its other changes
    cancelled = _ids(
        conn,
        "select order_id from orders where status = 'cancelled' and deleted_at is null"
        " and ordered_at >= %s::date - %s and ordered_at < %s::date order by order_id",
        (day, RECENT_DELETES_DAYS, day),
    )
    orders = _pick(rng, cancelled, 0.12, touched)
    customers = _ids(conn, "select customer_id from customers where deleted_at is null order by customer_id")
    gone = customers[rng.random(len(customers)) < 0.0005]
    with conn.cursor() as cur:
        stamps = _stamps(rng, day, len(orders))
        cur.executemany(
            "update orders set deleted_at = %s, updated_at = %s where order_id = %s",
            [(ts, ts, int(oid)) for oid, ts in zip(orders, stamps, strict=True)],
        )
        stamps = _stamps(rng, day, len(gone))
        cur.executemany(
            "update customers set deleted_at = %s, updated_at = %s where customer_id = %s",
            [(ts, ts, int(cid)) for cid, ts in zip(gone, stamps, strict=True)],
        )
        # the failed attempts of a deleted order have no use left: support purges them for good
        cur.execute(
            "delete from payments where status = 'failed' and order_id = any(%s)", ([int(o) for o in orders],)
        )
        summary.purged_payments = cur.rowcount
    summary.deleted_orders = len(orders)
    summary.deleted_customers = len(gone)
