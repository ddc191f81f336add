{#-
  gold.customer_ltv: one row per customer (not deleted) with at least one
  counted order: segment, first order date, orders, lifetime revenue.
  Small enough to rebuild whole each run.
-#}
with counted_orders as (
    select
        order_id,
        customer_id,
        cast(order_date as date) as order_date
    from {{ silver_db | identifier }}.orders
    where status in ('paid', 'shipped', 'delivered')
),

order_revenue as (
    select
        order_id,
        sum(quantity * unit_price - discount) as revenue
    from {{ silver_db | identifier }}.order_items
    group by order_id
),

customers as (
    select
        customer_id,
        segment
    from {{ silver_db | identifier }}.customers
),

final as (
    select
        c.customer_id,
        c.segment,
        min(o.order_date) as first_order_date,
        count(*) as orders,
        cast(coalesce(sum(r.revenue), 0) as decimal(18, 2)) as lifetime_revenue
    from counted_orders as o
    join customers as c on c.customer_id = o.customer_id
    left join order_revenue as r on r.order_id = o.order_id
    group by c.customer_id, c.segment
)

select * from final
