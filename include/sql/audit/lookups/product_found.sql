{#- product_found: true when the row's product is in silver.products after this run; null marks an orphan. -#}
select distinct product_id, true as product_found
from ({{ relation("silver", "products", ["product_id"]) }}) as live
where product_id in (select product_id from {{ staged }})
