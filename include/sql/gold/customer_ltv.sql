{#-
  gold.customer_ltv: one row per customer (not deleted) with at least one
  counted order: segment, first order date, orders, lifetime revenue.
  Built from gold.customer_orders as this run published it (one row per
  customer and order date: the day's changes reach it through the dates
  customer_orders rebuilt), joined with silver's customers for the segment and
  to leave deleted customers out. It reads neither silver's orders nor its
  items: a run pays for the customers' days, not for a join over all of history.
-#}
with activity as (
    select
        customer_id,
        cast(order_date as date) as order_date,
        orders,
        revenue
    from {{ gold_db | identifier }}.customer_orders
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
        min(a.order_date) as first_order_date,
        sum(a.orders) as orders,
        cast(sum(a.revenue) as decimal(18, 2)) as lifetime_revenue
    from activity as a
    join customers as c on c.customer_id = a.customer_id
    group by c.customer_id, c.segment
)

select * from final
