"""What the Athena named queries in include/sql/analytics must return, derived from the gold oracle.

The oracle's gold rows (tests/dags/oracle.py, computed in Postgres over the
source) are rolled up here in exact decimals, the way each analytics query
rolls up the published gold tables, so a wrong join, grouping or rank in an
analytics query shows up as a difference.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ANALYTICS_DIR = Path(__file__).resolve().parents[2] / "include" / "sql" / "analytics"
CENT = Decimal("0.01")


def analytics_sql() -> dict[str, str]:
    return {path.stem: path.read_text() for path in sorted(ANALYTICS_DIR.glob("*.sql"))}


def monthly_revenue(daily_revenue: list[tuple]) -> list[tuple]:
    months: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for order_date, orders, items, revenue, _customers, _aov in daily_revenue:
        totals = months[f"{order_date[:7]}-01"]
        for i, value in enumerate((orders, items, revenue)):
            totals[i] += value
    return [(month, o, i, r, r / o) for month, (o, i, r) in sorted(months.items())]


def customer_ltv_by_segment(customer_ltv: list[tuple]) -> list[tuple]:
    segments: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for _customer, segment, _first, orders, revenue in customer_ltv:
        totals = segments[segment]
        for i, value in enumerate((1, orders, revenue)):
            totals[i] += value
    rows = [(segment, c, o, r, r / c) for segment, (c, o, r) in segments.items()]
    return sorted(rows, key=lambda row: (-row[3], row[0]))


def product_revenue(product_revenue_rows: list[tuple]) -> list[tuple]:
    products: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 2)
    for _date, product_id, category, units, revenue in product_revenue_rows:
        totals = products[(product_id, category)]
        totals[0] += units
        totals[1] += revenue
    rows = []
    for (product_id, category), (units, revenue) in products.items():
        peers = [r for (_, c), (_, r) in products.items() if c == category]
        rank = 1 + sum(1 for r in peers if r > revenue)
        rows.append((product_id, category, units, revenue, Decimal(rank)))
    return sorted(rows, key=lambda row: (-row[3], row[0]))


def retention(monthly_retention: list[tuple]) -> list[tuple]:
    cohort_size = {cohort: active for cohort, months, active in monthly_retention if months == 0}
    return [
        (cohort, months, active, cohort_size[cohort], active / cohort_size[cohort])
        for cohort, months, active in sorted(monthly_retention)
    ]


# query name: (the gold dataset it reads, its roll-up, the precision it rounds to)
EXPECTED = {
    "monthly_revenue": ("daily_revenue", monthly_revenue, CENT),
    "customer_ltv_by_segment": ("customer_ltv", customer_ltv_by_segment, CENT),
    "product_revenue": ("product_revenue", product_revenue, CENT),
    "retention": ("monthly_retention", retention, Decimal("0.0001")),
}


def close(actual: list[tuple], expected: list[tuple], places: Decimal = CENT) -> bool:
    """Exact for keys and sums; averages and rates within the precision the query rounds to."""
    if len(actual) != len(expected):
        return False
    for got, want in zip(actual, expected, strict=True):
        if len(got) != len(want):
            return False
        for a, w in zip(got, want, strict=True):
            if isinstance(a, Decimal) and isinstance(w, Decimal):
                if abs(a - w) > places:
                    return False
            elif a != w:
                return False
    return True
