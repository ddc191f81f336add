{#- Every order date silver knows: what a gold rebuild (first build or full refresh) covers. -#}
select distinct order_date
from ({{ relation("silver", "orders", ["order_date"]) }}) as orders
order by 1
