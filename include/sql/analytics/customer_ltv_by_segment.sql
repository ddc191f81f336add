-- Customer lifetime value by segment: customers with a counted order, their
-- orders and lifetime revenue, and the average per customer, from gold.customer_ltv
-- (an Athena named query, created by Terraform).
select
    segment,
    count(*) as customers,
    sum(orders) as orders,
    sum(lifetime_revenue) as lifetime_revenue,
    cast(sum(lifetime_revenue) / count(*) as decimal(18, 2)) as avg_lifetime_revenue
from customer_ltv
group by segment
order by lifetime_revenue desc, segment
