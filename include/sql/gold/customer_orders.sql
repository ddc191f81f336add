{#-
  gold.customer_orders: one row per order date and customer with a counted order.
    customer_id     who placed them
    orders          counted orders: status paid, shipped or delivered, not deleted
    revenue         sum of their lines' quantity * unit_price - discount, exact decimals
  Rebuilt for the affected order dates only (`partitions`), from silver as this
  run will publish it, like daily_revenue.
  customer_ltv and monthly_retention are built from it: a customer's lifetime
  spans every order date, and this is the narrowest table that holds it, one
  row per customer and day, with no join left to do.
-#}
with counted_orders as (
    select
        order_id,
        customer_id,
        order_date
    from ({{ relation("silver", "orders", ["order_id", "customer_id", "order_date", "status"], partitions, "order_date") }}) as orders
    where status in ('paid', 'shipped', 'delivered')
),

order_revenue as (
    select
        order_id,
        sum(quantity * unit_price - discount) as revenue
    from ({{ relation("silver", "order_items", ["order_id", "quantity", "unit_price", "discount"], partitions, "created_date") }}) as items
    group by order_id
),

final as (
    select
        o.customer_id,
        count(*) as orders,
        cast(coalesce(sum(r.revenue), 0) as decimal(18, 2)) as revenue,
        o.order_date
    from counted_orders as o
    left join order_revenue as r on r.order_id = o.order_id
    group by o.order_date, o.customer_id
)

select * from final
