"""The gold metrics computed directly in Postgres over the source: the oracle for the lakehouse.

Same product definitions as include/sql/gold (DESIGN.md): a counted order is
paid, shipped or delivered and not soft-deleted; line revenue is
quantity * unit_price - discount in exact decimals; dates are UTC.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg

COUNTED = "status in ('paid', 'shipped', 'delivered') and deleted_at is null"

ORACLE_SQL = {
    "daily_revenue": f"""
        with counted as (
            select order_id, customer_id, (ordered_at at time zone 'UTC')::date as order_date
            from orders where {COUNTED}
        ),
        totals as (
            select c.order_date, c.order_id, c.customer_id,
                   coalesce(sum(i.quantity), 0) as items,
                   coalesce(sum(i.quantity * i.unit_price - i.discount), 0) as revenue
            from counted c left join order_items i using (order_id)
            group by 1, 2, 3
        )
        select order_date::text, count(*), sum(items), sum(revenue), count(distinct customer_id),
               round(sum(revenue) / count(*), 2)
        from totals group by order_date order by order_date""",
    "product_revenue": f"""
        select (o.ordered_at at time zone 'UTC')::date::text, i.product_id, p.category,
               sum(i.quantity), sum(i.quantity * i.unit_price - i.discount)
        from orders o join order_items i using (order_id) left join products p using (product_id)
        where o.{COUNTED.replace(" and ", " and o.")}
        group by 1, 2, 3 order by 1, 2""",
    "customer_orders": f"""
        with counted as (
            select order_id, customer_id, (ordered_at at time zone 'UTC')::date as order_date
            from orders where {COUNTED}
        ),
        revenue as (
            select order_id, sum(quantity * unit_price - discount) as revenue from order_items group by 1
        )
        select c.order_date::text, c.customer_id, count(*), coalesce(sum(r.revenue), 0)
        from counted c left join revenue r using (order_id)
        group by 1, 2 order by 1, 2""",
    "customer_ltv": f"""
        with counted as (
            select order_id, customer_id, (ordered_at at time zone 'UTC')::date as order_date
            from orders where {COUNTED}
        ),
        revenue as (
            select order_id, sum(quantity * unit_price - discount) as revenue from order_items group by 1
        )
        select c.customer_id, cu.segment, min(c.order_date)::text, count(*), coalesce(sum(r.revenue), 0)
        from counted c join customers cu on cu.customer_id = c.customer_id and cu.deleted_at is null
        left join revenue r using (order_id)
        group by 1, 2 order by 1""",
    "monthly_retention": f"""
        with counted as (
            select customer_id, date_trunc('month', ordered_at at time zone 'UTC')::date as month
            from orders where {COUNTED}
        ),
        cohorts as (select customer_id, min(month) as cohort from counted group by 1),
        activity as (select distinct customer_id, month from counted)
        select c.cohort::text,
               ((extract(year from a.month) - extract(year from c.cohort)) * 12
                + extract(month from a.month) - extract(month from c.cohort))::int,
               count(distinct a.customer_id)
        from cohorts c join activity a using (customer_id)
        group by 1, 2 order by 1, 2""",
}

GOLD_SQL = {
    "daily_revenue": "select order_date, orders, items, revenue, customers, avg_order_value"
    " from gold.daily_revenue order by order_date",
    "product_revenue": "select order_date, product_id, category, units, revenue"
    " from gold.product_revenue order by order_date, product_id",
    "customer_orders": "select order_date, customer_id, orders, revenue"
    " from gold.customer_orders order by order_date, customer_id",
    "customer_ltv": "select customer_id, segment, first_order_date, orders, lifetime_revenue"
    " from gold.customer_ltv order by customer_id",
    "monthly_retention": "select cohort_month, months_since_first_order, active_customers"
    " from gold.monthly_retention order by cohort_month, months_since_first_order",
}


def normalise(value: object) -> object:
    """Compare numbers as exact decimals and everything else as text."""
    if value is None:
        return None
    text = str(value)
    try:
        return Decimal(text)
    except ArithmeticError:
        return text


def oracle(conn: psycopg.Connection, dataset: str) -> list[tuple]:
    return [tuple(normalise(v) for v in row) for row in conn.execute(ORACLE_SQL[dataset]).fetchall()]


def from_gold(rows: list[list[str | None]]) -> list[tuple]:
    return [tuple(normalise(v) for v in row) for row in rows]
