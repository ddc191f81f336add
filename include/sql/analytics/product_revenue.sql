-- Product revenue: units and revenue per product over all order dates, ranked by
-- revenue within its category, from gold.product_revenue (an Athena named query,
-- created by Terraform).
select
    product_id,
    category,
    sum(units) as units,
    sum(revenue) as revenue,
    rank() over (partition by category order by sum(revenue) desc) as rank_in_category
from product_revenue
group by product_id, category
order by revenue desc, product_id
