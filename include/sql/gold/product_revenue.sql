{#-
  gold.product_revenue: one row per (order_date, product) with units and revenue
  from counted orders; category is the product's current category.
  Rebuilt for the affected order dates only (`partitions`), from silver as this
  run will publish it (`relation`: its staged rows, lakehouse.wap.relations).
-#}
with counted_orders as (
    select
        order_id,
        order_date
    from ({{ relation("silver", "orders", ["order_id", "order_date", "status"], partitions, "order_date") }}) as orders
    where status in ('paid', 'shipped', 'delivered')
),

order_items as (
    select
        order_id,
        product_id,
        quantity,
        quantity * unit_price - discount as line_revenue
    from ({{ relation("silver", "order_items", ["order_id", "product_id", "quantity", "unit_price", "discount"], partitions, "created_date") }}) as items
),

products as (
    select
        product_id,
        category
    from ({{ relation("silver", "products", ["product_id", "category"]) }}) as products
),

final as (
    select
        i.product_id,
        p.category,
        sum(i.quantity) as units,
        cast(sum(i.line_revenue) as decimal(18, 2)) as revenue,
        o.order_date
    from order_items as i
    join counted_orders as o on o.order_id = i.order_id
    left join products as p on p.product_id = i.product_id
    group by o.order_date, i.product_id, p.category
)

select * from final
