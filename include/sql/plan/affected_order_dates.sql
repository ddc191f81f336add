{#-
  The order dates whose gold rows this ingest date's changes can move: the
  dates of changed orders and of changed order items.
-#}
select date_format(ordered_at, '%Y-%m-%d') as order_date
from {{ bronze_db | identifier }}.orders
where ingest_date = {{ ingest_date | sql_string }}
union
select date_format(created_at, '%Y-%m-%d') as order_date
from {{ bronze_db | identifier }}.order_items
where ingest_date = {{ ingest_date | sql_string }}
order by 1
