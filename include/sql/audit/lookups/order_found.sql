{#-
  order_found: true when the row's order is in silver.orders after this run,
  or was deleted at the source (a soft-deleted order leaves silver, its items
  and payments stay). Null marks an orphan: an order the lake has never seen.
  Only orders within the staged rows' order_id range are read (the suite's
  key_range), which is all the staged keys can match.
-#}
select order_id, true as order_found
from (
    select order_id from ({{ relation("silver", "orders", ["order_id"], within="order_id") }}) as live
    union
    select order_id from {{ bronze_db | identifier }}.orders
    where deleted_at is not null and {{ in_staged_range("order_id") }}
) as known
where order_id in (select order_id from {{ staged }})
