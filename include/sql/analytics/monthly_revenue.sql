-- Monthly revenue: counted orders, items and revenue per calendar month of the
-- order date, from gold.daily_revenue (an Athena named query, created by Terraform).
-- Distinct customers are not summed from daily counts: see customer_ltv for those.
select
    cast(date_trunc('month', cast(order_date as date)) as date) as month,
    sum(orders) as orders,
    sum(items) as items,
    sum(revenue) as revenue,
    cast(sum(revenue) / sum(orders) as decimal(18, 2)) as avg_order_value
from daily_revenue
group by 1
order by 1
