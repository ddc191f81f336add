"""`make demo`: bring up the source, seed the shop, and show what is in it.

The daily lakehouse DAG is not built yet (issue: the daily DAG); until then the
demo stops after the source is up and says what the pipeline will do with it.
"""

from __future__ import annotations

import sys

import psycopg

from local.airflow_home import ENV_FILE, init
from local.shop.generate import generate_shop
from local.shop.load import replace_shop, row_counts
from local.shop.model import ShopSpec

PIPELINE_PLAN = """\
What the pipeline does with this shop (dags/lakehouse_daily.py, daily at 02:00 UTC):
  1. export each table's changed rows to S3 bronze as Parquet (by ingest date)
  2. crawl bronze with a Glue crawler into the Glue Data Catalog
  3. build silver with Athena: the current state of every record, by business date
  4. build gold: daily_revenue, product_revenue, customer_ltv, monthly_retention
  5. audit every silver/gold write before it is published (write-audit-publish)
Locally, S3, Glue and Athena are the endpoint in local/aws (`make local-aws`)."""


def main() -> int:
    env = init()
    spec = ShopSpec()
    with psycopg.connect(env["LAKEHOUSE_PG_DSN"], autocommit=True) as conn:
        replace_shop(conn, generate_shop(spec))
        print(f"\nThe source: an e-commerce shop in Postgres, {spec.start_date} to {spec.end_date}")
        for table, count in row_counts(conn).items():
            print(f"  {table:<12} {count:>10,} rows")
        print("\nOrders by status:")
        for status, count in conn.execute("select status, count(*) from orders group by 1 order by 2 desc"):
            print(f"  {status:<12} {count:>10,}")
        print("\nRevenue by month (counted orders: paid, shipped, delivered; not deleted):")
        monthly = conn.execute(
            "select to_char(date_trunc('month', o.ordered_at), 'YYYY-MM'),"
            " count(distinct o.order_id), sum(i.quantity * i.unit_price - i.discount)"
            " from orders o join order_items i using (order_id)"
            " where o.status in ('paid', 'shipped', 'delivered') and o.deleted_at is null"
            " group by 1 order by 1"
        )
        for month, orders, revenue in monthly:
            print(f"  {month}  {orders:>7,} orders  {revenue:>14,.2f} USD")
    print(f"\n{PIPELINE_PLAN}")
    print(f"\nConnection details for psql, the Airflow CLI and boto3: source {ENV_FILE}")
    print("demo: source ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
