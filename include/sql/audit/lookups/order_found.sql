{#-
  order_found: true when the row's order is in silver.orders after this run,
  or was deleted at the source (a soft-deleted order leaves silver, its items
  and payments stay). Null marks an orphan: an order the lake has never seen.
-#}
select order_id, true as order_found
from (
    select order_id from ({{ relation("silver", "orders", ["order_id"]) }}) as live
    union
    select order_id from {{ bronze_db | identifier }}.orders where deleted_at is not null
) as known
where order_id in (select order_id from {{ staged }})
