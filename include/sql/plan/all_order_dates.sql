{#- Every order date silver knows: what a gold rebuild (first build or full refresh) covers. -#}
select distinct order_date
from {{ silver_db | identifier }}.orders
order by 1
