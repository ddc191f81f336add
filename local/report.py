"""A small report of the gold tables: revenue by day (PNG) and an HTML page with the tables' heads.

Written to .local/report/ by `make demo`; it reads gold through Athena on the
local endpoint, as a BI tool would.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from local.lake import Result, query
from local.paths import LOCAL_DIR

REPORT_DIR = LOCAL_DIR / "report"
HEADS = {
    "daily_revenue": "select * from gold.daily_revenue order by order_date desc limit 10",
    "product_revenue": "select * from gold.product_revenue order by order_date desc, revenue desc limit 10",
    "customer_ltv": "select * from gold.customer_ltv order by lifetime_revenue desc limit 10",
    "monthly_retention": "select * from gold.monthly_retention"
    " order by cohort_month desc, months_since_first_order limit 10",
}


def gold_heads() -> dict[str, Result]:
    return {name: query(sql) for name, sql in HEADS.items()}


def format_table(name: str, result: Result) -> str:
    widths = [max(len(c), *(len(r[i] or "") for r in result.rows)) for i, c in enumerate(result.columns)]
    lines = [
        f"gold.{name}",
        "  " + "  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)),
    ]
    lines += [
        "  " + "  ".join((v or "").ljust(w) for v, w in zip(r, widths, strict=True)) for r in result.rows
    ]
    return "\n".join(lines)


def revenue_chart(path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    daily = query("select order_date, revenue, orders from gold.daily_revenue order by order_date")
    days = [row[0] for row in daily.rows]
    revenue = [float(Decimal(row[1])) for row in daily.rows]
    figure, axis = plt.subplots(figsize=(11, 4), dpi=110)
    axis.bar(range(len(days)), revenue, color="#2b6cb0", width=1.0)
    step = max(1, len(days) // 12)
    axis.set_xticks(
        range(0, len(days), step), [days[i] for i in range(0, len(days), step)], rotation=45, ha="right"
    )
    axis.set_ylabel("revenue (USD)")
    axis.set_title(f"gold.daily_revenue: revenue by order date ({len(days)} days)")
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


@dataclass
class QualityReport:
    """The latest audit report of one dataset, copied out of S3 for the demo's page."""

    dataset: str
    day: str
    passed: bool
    warnings: int
    rows: int
    docs: str  # relative to the report page

    @property
    def result(self) -> str:
        return self.docs.split("/data_docs/", 1)[0] + "/result.json"


def copy_quality_reports(s3: Any, bucket: str, prefix: str, target: Path) -> list[QualityReport]:
    """Copy each dataset's latest audit report (JSON + Data Docs) from `prefix` into `target`."""
    from lakehouse.quality.report import latest_audits

    reports = []
    for dataset, (folder, verdict) in latest_audits(s3, bucket, prefix).items():
        local = target / dataset
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=folder):
            for item in page.get("Contents", []):
                path = local / item["Key"][len(folder) :]
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        reports.append(
            QualityReport(
                dataset=dataset,
                day=verdict["day"],
                passed=verdict["passed"],
                warnings=len(verdict["warnings"]),
                rows=verdict["rows"],
                docs=f"{target.name}/{dataset}/{verdict['report'].split(folder, 1)[-1]}",
            )
        )
    return reports


def write_report(runs: list[dict], heads: dict[str, Result], quality: list[QualityReport] = ()) -> Path:
    """The demo's page: its runs, the latest audits, the revenue chart and each gold table's first rows."""
    from lakehouse.web import page

    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    chart = revenue_chart(REPORT_DIR / "revenue_by_day.png")
    runs_table = page.table(
        ["business day", "state", "seconds", "of which audits"],
        [[r["day"], r["state"], r["seconds"], r.get("audit_seconds")] for r in runs],
    )
    audits = [
        page.AuditRow(
            q.dataset, q.day, q.passed, q.warnings, q.rows, [("Data Docs", q.docs), ("JSON", q.result)]
        )
        for q in quality
    ]
    sections = [page.section("Runs of lakehouse_daily", runs_table)]
    if audits:
        sections.append(
            page.section("Audits (Great Expectations), latest per dataset", page.audits_table(audits))
        )
    sections.append(page.section("Revenue by day", f'<img src="{chart.name}" alt="revenue by order date">'))
    sections += [page.section(f"gold.{name}", page.table(r.columns, r.rows)) for name, r in heads.items()]
    index = REPORT_DIR / "index.html"
    index.write_text(page.page("airflow-lakehouse: demo report", "".join(sections)))
    return index
