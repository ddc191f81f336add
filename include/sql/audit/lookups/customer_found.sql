{#-
  customer_found: true when the row's customer is in silver.customers after this
  run, or was deleted at the source (a soft-deleted customer leaves silver, its
  orders stay). Null marks an orphan: a customer the lake has never seen.
-#}
select customer_id, true as customer_found
from (
    select customer_id from ({{ relation("silver", "customers", ["customer_id"]) }}) as live
    union
    select customer_id from {{ bronze_db | identifier }}.customers where deleted_at is not null
) as known
where customer_id in (select customer_id from {{ staged }})
