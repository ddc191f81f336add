"""Deterministic, vectorised generation of the shop's history.

Why numpy rather than Faker-style row loops: the benchmarks need 5M orders
(about 12M order items), which row-by-row Python would take many minutes to
make. Everything here is column arithmetic on a seeded `numpy.random.Generator`,
so the same `ShopSpec` yields byte-identical tables.

Money is carried as integer cents end to end and turned into exact
`decimal128` columns at the edge, so totals add up to the cent.

Shape of the data:
- customers and products are chosen with a Zipf-like skew (a few heavy buyers,
  a long tail of products), with the heavy ranks scattered over the ids;
- order volume grows over the year, peaks in November and December, is higher
  at weekends, and follows a day-night cycle;
- an order's status, and the time of its last change, follow from its age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa

from local.shop.model import (
    CATEGORIES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    FIRST_NAMES,
    LAST_NAMES,
    PAYMENT_METHOD_WEIGHTS,
    PAYMENT_METHODS,
    SEGMENT_WEIGHTS,
    SEGMENTS,
    ShopSpec,
)

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR

TIMESTAMP = pa.timestamp("us", tz="UTC")
MONTH_FACTORS = (0.85, 0.80, 0.90, 0.92, 0.95, 0.93, 0.90, 0.95, 1.00, 1.05, 1.35, 1.50)
WEEKDAY_FACTORS = (0.92, 0.95, 0.97, 1.00, 1.05, 1.20, 1.15)  # Monday first
HOUR_WEIGHTS = np.array(
    [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 11, 9, 6, 4], dtype=float
)

# Status mix by order age in days: (upper age bound, statuses, weights).
STATUS_BY_AGE: tuple[tuple[float, tuple[str, ...], tuple[float, ...]], ...] = (
    (1, ("placed", "paid", "shipped", "cancelled"), (0.30, 0.50, 0.15, 0.05)),
    (3, ("placed", "paid", "shipped", "delivered", "cancelled"), (0.04, 0.20, 0.60, 0.11, 0.05)),
    (7, ("paid", "shipped", "delivered", "cancelled", "refunded"), (0.02, 0.28, 0.62, 0.06, 0.02)),
    (np.inf, ("delivered", "cancelled", "refunded"), (0.88, 0.06, 0.06)),
)
# How long after ordering each status is typically reached: (min, max) hours.
STATUS_DELAY_HOURS = {
    "placed": (0.0, 0.0),
    "paid": (0.02, 2.0),
    "shipped": (12.0, 60.0),
    "delivered": (48.0, 150.0),
    "cancelled": (0.5, 30.0),
    "refunded": (170.0, 700.0),
}


def day_start_us(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * US_PER_SECOND


def cents_to_decimal(cents: np.ndarray, precision: int) -> pa.Array:
    """Exact decimal(precision, 2) from integer cents, without going through floats."""
    words = np.zeros((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    return pa.Array.from_buffers(pa.decimal128(precision, 2), len(cents), [None, pa.py_buffer(words)])


def timestamps(us: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    return pa.array(us.astype(np.int64), type=TIMESTAMP, mask=missing)


def skewed_weights(rng: np.random.Generator, n: int, exponent: float) -> np.ndarray:
    """Zipf-like popularity, scattered over positions so id order says nothing."""
    weights = 1.0 / np.power(np.arange(1, n + 1) + 5.0, exponent)
    rng.shuffle(weights)
    return weights / weights.sum()


def choose(rng: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...], n: int):
    return np.asarray(options)[rng.choice(len(options), size=n, p=np.asarray(weights) / sum(weights))]


@dataclass
class Catalog:
    """What new orders are drawn from: who buys, what they buy, and at what price."""

    customer_ids: np.ndarray
    customer_weights: np.ndarray
    product_ids: np.ndarray
    product_weights: np.ndarray
    product_price_cents: np.ndarray


@dataclass
class Orders:
    """Generated orders with their items and payments, as Arrow tables ready for COPY."""

    orders: pa.Table
    order_items: pa.Table
    payments: pa.Table


# --------------------------------------------------------------------------- reference data


def make_customer_attributes(rng: np.random.Generator, ids: np.ndarray) -> dict[str, pa.Array]:
    n = len(ids)
    first = np.asarray(FIRST_NAMES)[rng.integers(0, len(FIRST_NAMES), n)]
    last = np.asarray(LAST_NAMES)[rng.integers(0, len(LAST_NAMES), n)]
    full_name = np.char.add(np.char.add(first, " "), last)
    local_part = np.char.lower(np.char.add(np.char.add(first, "."), last))
    email = np.char.add(np.char.add(local_part, ids.astype(str)), "@example.com")
    return {
        "customer_id": pa.array(ids, pa.int64()),
        "email": pa.array(email.tolist(), pa.string()),
        "full_name": pa.array(full_name.tolist(), pa.string()),
        "segment": pa.array(choose(rng, SEGMENTS, SEGMENT_WEIGHTS, n).tolist(), pa.string()),
        "country": pa.array(choose(rng, COUNTRIES, COUNTRY_WEIGHTS, n).tolist(), pa.string()),
    }


def make_products(rng: np.random.Generator, spec: ShopSpec) -> tuple[pa.Table, np.ndarray]:
    n = spec.products
    ids = np.arange(1, n + 1, dtype=np.int64)
    names = list(CATEGORIES)
    category = np.asarray(names)[rng.integers(0, len(names), n)]
    median = np.array([CATEGORIES[c][0] for c in category])
    sigma = np.array([CATEGORIES[c][1] for c in category])
    price_cents = np.maximum(99, np.round(rng.lognormal(np.log(median), sigma) * 100)).astype(np.int64)
    price_cents = price_cents - price_cents % 100 + 99  # shops like prices ending in .99
    opened = day_start_us(spec.start_date)
    created = opened + rng.integers(0, 30 * US_PER_DAY, n)
    updated = created + rng.integers(0, 60 * US_PER_DAY, n)
    table = pa.table(
        {
            "product_id": pa.array(ids),
            "sku": pa.array([f"SKU-{i:07d}" for i in ids], pa.string()),
            "name": pa.array(
                [f"{c.title()} item {i}" for c, i in zip(category, ids, strict=True)], pa.string()
            ),
            "category": pa.array(category.tolist(), pa.string()),
            "unit_price": cents_to_decimal(price_cents, 10),
            "active": pa.array(rng.random(n) > 0.05),
            "created_at": timestamps(created),
            "updated_at": timestamps(np.minimum(updated, day_start_us(spec.end_date))),
        }
    )
    return table, price_cents


# --------------------------------------------------------------------------- orders


def order_day_weights(spec: ShopSpec) -> np.ndarray:
    """Relative order volume per day of history: growth, seasons, weekends."""
    days = np.arange(spec.history_days)
    first = spec.start_date.toordinal()
    dates = [date.fromordinal(first + int(d)) for d in days]
    trend = 1.0 + 0.6 * days / max(1, spec.history_days - 1)
    month = np.array([MONTH_FACTORS[d.month - 1] for d in dates])
    weekday = np.array([WEEKDAY_FACTORS[d.weekday()] for d in dates])
    weights = trend * month * weekday
    return weights / weights.sum()


def times_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    return hours * US_PER_HOUR + rng.integers(0, US_PER_HOUR, n)


def make_orders(
    rng: np.random.Generator,
    catalog: Catalog,
    ordered_at: np.ndarray,
    now_us: int,
    *,
    first_ids: dict[str, int],
    customer_choice: np.ndarray | None = None,
) -> Orders:
    """Orders placed at `ordered_at`, as they stand at `now_us`, with items and payments.

    `first_ids` gives the next free id per table so that the simulator can
    append to an existing shop. `customer_choice`, if given, fixes who buys.
    """
    n = len(ordered_at)
    order_ids = np.arange(first_ids["orders"], first_ids["orders"] + n, dtype=np.int64)
    if customer_choice is None:
        customer_choice = rng.choice(catalog.customer_ids, size=n, p=catalog.customer_weights)

    # status and time of last change follow from age
    age_days = (now_us - ordered_at) / US_PER_DAY
    status = np.empty(n, dtype=object)
    lower = -np.inf
    for upper, options, weights in STATUS_BY_AGE:
        in_bucket = (age_days >= lower) & (age_days < upper)
        status[in_bucket] = choose(rng, options, weights, int(in_bucket.sum()))
        lower = upper
    delay = np.zeros(n)
    for name, (low, high) in STATUS_DELAY_HOURS.items():
        mask = status == name
        delay[mask] = rng.uniform(low, high, int(mask.sum())) * US_PER_HOUR
    updated_at = np.clip(ordered_at + delay.astype(np.int64), ordered_at, max(now_us, ordered_at.max()))

    # items: 1-8 per order, popular products more often, a few discounts
    items_per_order = 1 + np.minimum(rng.poisson(0.9, n), 7)
    item_order_pos = np.repeat(np.arange(n), items_per_order)
    m = len(item_order_pos)
    product_pos = rng.choice(len(catalog.product_ids), size=m, p=catalog.product_weights)
    list_price = catalog.product_price_cents[product_pos]
    drift = rng.random(m) < 0.1  # price was different when the order was placed
    unit_price = np.where(
        drift, np.maximum(99, np.round(list_price * rng.uniform(0.9, 1.1, m))), list_price
    ).astype(np.int64)
    quantity = np.minimum(rng.geometric(0.62, m), 10).astype(np.int32)
    gross = unit_price * quantity
    discount = np.where(rng.random(m) < 0.12, np.round(gross * rng.uniform(0.05, 0.25, m)), 0).astype(
        np.int64
    )
    line_revenue = gross - discount
    order_total = np.bincount(item_order_pos, weights=line_revenue, minlength=n).astype(np.int64)
    item_ts = ordered_at[item_order_pos]

    # payments: captured for paid and later, refunded with the order,
    # an authorisation for some placed orders, a failed attempt for some cancellations
    has_payment = np.isin(status, ["paid", "shipped", "delivered", "refunded"])
    has_payment |= (status == "placed") & (rng.random(n) < 0.4)
    has_payment |= (status == "cancelled") & (rng.random(n) < 0.5)
    pay_pos = np.flatnonzero(has_payment)
    pay_status = np.select(
        [status[pay_pos] == "placed", status[pay_pos] == "cancelled", status[pay_pos] == "refunded"],
        ["authorized", "failed", "refunded"],
        "captured",
    )
    paid_at = ordered_at[pay_pos] + rng.integers(5 * US_PER_SECOND, 20 * US_PER_MINUTE, len(pay_pos))
    paid_at = np.minimum(paid_at, updated_at[pay_pos])
    pay_updated = np.where(pay_status == "refunded", updated_at[pay_pos], paid_at)
    no_paid_at = pay_status == "failed"

    orders = pa.table(
        {
            "order_id": pa.array(order_ids),
            "customer_id": pa.array(customer_choice.astype(np.int64)),
            "status": pa.array(status.tolist(), pa.string()),
            "ordered_at": timestamps(ordered_at),
            "currency": pa.array(["USD"] * n, pa.string()),
            "created_at": timestamps(ordered_at),
            "updated_at": timestamps(updated_at),
            "deleted_at": timestamps(np.zeros(n, dtype=np.int64), missing=np.ones(n, dtype=bool)),
        }
    )
    order_items = pa.table(
        {
            "order_item_id": pa.array(np.arange(first_ids["order_items"], first_ids["order_items"] + m)),
            "order_id": pa.array(order_ids[item_order_pos]),
            "product_id": pa.array(catalog.product_ids[product_pos].astype(np.int64)),
            "quantity": pa.array(quantity),
            "unit_price": cents_to_decimal(unit_price, 10),
            "discount": cents_to_decimal(discount, 10),
            "created_at": timestamps(item_ts),
            "updated_at": timestamps(item_ts),
        }
    )
    k = len(pay_pos)
    payments = pa.table(
        {
            "payment_id": pa.array(np.arange(first_ids["payments"], first_ids["payments"] + k)),
            "order_id": pa.array(order_ids[pay_pos]),
            "method": pa.array(choose(rng, PAYMENT_METHODS, PAYMENT_METHOD_WEIGHTS, k).tolist(), pa.string()),
            "amount": cents_to_decimal(order_total[pay_pos], 12),
            "status": pa.array(pay_status.tolist(), pa.string()),
            "paid_at": timestamps(paid_at, missing=no_paid_at),
            "created_at": timestamps(ordered_at[pay_pos]),
            "updated_at": timestamps(pay_updated),
        }
    )
    return Orders(orders, order_items, payments)


# --------------------------------------------------------------------------- the whole history


def generate_shop(spec: ShopSpec) -> dict[str, pa.Table]:
    """The shop as it stands at the end of `spec.end_date`, one Arrow table per source table."""
    rng = np.random.default_rng(spec.seed)
    opened_us = day_start_us(spec.start_date)
    now_us = day_start_us(spec.end_date) + US_PER_DAY - 1

    products, price_cents = make_products(rng, spec)
    customer_ids = np.arange(1, spec.customers + 1, dtype=np.int64)
    catalog = Catalog(
        customer_ids=customer_ids,
        customer_weights=skewed_weights(rng, spec.customers, 0.9),
        product_ids=products.column("product_id").to_numpy(),
        product_weights=skewed_weights(rng, spec.products, 1.05),
        product_price_cents=price_cents,
    )

    day_index = np.sort(rng.choice(spec.history_days, size=spec.orders, p=order_day_weights(spec)))
    ordered_at = opened_us + day_index * US_PER_DAY + times_of_day(rng, spec.orders)
    ordered_at.sort()  # order ids rise with time, as an identity column would
    generated = make_orders(
        rng, catalog, ordered_at, now_us, first_ids=dict.fromkeys(("orders", "order_items", "payments"), 1)
    )

    # customers sign up before their first order; a few are later deleted
    buyer = generated.orders.column("customer_id").to_numpy()
    never = np.iinfo(np.int64).max
    first_order = np.full(spec.customers + 1, never, dtype=np.int64)
    np.minimum.at(first_order, buyer, ordered_at)
    last_activity = np.zeros(spec.customers + 1, dtype=np.int64)
    np.maximum.at(last_activity, buyer, ordered_at)
    first_order, last_activity = first_order[1:], last_activity[1:]
    no_orders = first_order == never
    signup_ceiling = np.where(no_orders, now_us, first_order)
    signup = np.maximum(opened_us, signup_ceiling - rng.integers(0, 45 * US_PER_DAY, spec.customers))
    signup = np.minimum(signup, signup_ceiling)
    deleted_at = np.maximum(signup, last_activity) + rng.integers(US_PER_DAY, 60 * US_PER_DAY, spec.customers)
    is_deleted = (rng.random(spec.customers) < 0.01) & (deleted_at < now_us)
    profile_updated = np.minimum(signup + rng.integers(0, 90 * US_PER_DAY, spec.customers), now_us)
    customers = pa.table(
        {
            **make_customer_attributes(rng, customer_ids),
            "created_at": timestamps(signup),
            "updated_at": timestamps(np.where(is_deleted, deleted_at, profile_updated)),
            "deleted_at": timestamps(deleted_at, missing=~is_deleted),
        }
    )

    # a few cancelled orders are soft-deleted by support when they are cleaned up
    orders = generated.orders
    status = orders.column("status").to_numpy(zero_copy_only=False)
    updated = orders.column("updated_at").cast(pa.int64()).to_numpy()
    purge = (status == "cancelled") & (rng.random(len(status)) < 0.05)
    orders = orders.set_column(
        orders.schema.get_field_index("deleted_at"), "deleted_at", timestamps(updated, missing=~purge)
    )
    return {
        "customers": customers,
        "products": products,
        "orders": orders,
        "order_items": generated.order_items,
        "payments": generated.payments,
    }
