{#-
  gold.daily_revenue: one row per order_date (the UTC date an order was placed).
    orders          counted orders: status paid, shipped or delivered, not deleted
    items           units sold in them
    revenue         sum of quantity * unit_price - discount, exact decimals
    customers       distinct customers who placed them
    avg_order_value revenue / orders, rounded to cents
  Rebuilt for the affected order dates only (`partitions`), from silver as this
  run will publish it (`relation`: its staged rows, lakehouse.wap.relations).
  Items are read from the same date partitions as their orders: an item is
  created with its order.
-#}
with counted_orders as (
    select
        order_id,
        customer_id,
        order_date
    from ({{ relation("silver", "orders", ["order_id", "customer_id", "order_date", "status"], partitions, "order_date") }}) as orders
    where status in ('paid', 'shipped', 'delivered')
),

order_items as (
    select
        order_id,
        quantity,
        quantity * unit_price - discount as line_revenue
    from ({{ relation("silver", "order_items", ["order_id", "quantity", "unit_price", "discount"], partitions, "created_date") }}) as items
),

order_totals as (
    select
        o.order_date,
        o.order_id,
        o.customer_id,
        coalesce(sum(i.quantity), 0) as items,
        coalesce(sum(i.line_revenue), 0) as revenue
    from counted_orders as o
    left join order_items as i on i.order_id = o.order_id
    group by o.order_date, o.order_id, o.customer_id
),

final as (
    select
        count(*) as orders,
        sum(items) as items,
        cast(sum(revenue) as decimal(18, 2)) as revenue,
        count(distinct customer_id) as customers,
        cast(round(sum(revenue) / count(*), 2) as decimal(18, 2)) as avg_order_value,
        order_date
    from order_totals
    group by order_date
)

select * from final
