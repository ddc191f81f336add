{#-
  gold.customer_ltv: one row per customer (not deleted) with at least one
  counted order: segment, first order date, orders, lifetime revenue.
  A customer's settled months come folded from gold.customer_history, the order
  dates since (`settled_before` on) from gold.customer_orders, both as this run
  will publish them (staged rows: `relation`, lakehouse.wap.relations), joined with
  silver's customers for the segment and to leave deleted customers out. It
  reads neither silver's orders nor its items, nor customer_orders' settled
  dates: a run pays for one row per customer and the recent days. Without a
  valid history (`settled_before` empty), every date of customer_orders is read.
-#}
with activity as (
    {%- if settled_before %}
    select
        customer_id,
        first_order_date as order_date,
        orders,
        revenue
    from ({{ relation("gold", "customer_history", ["customer_id", "first_order_date", "orders", "revenue"]) }})
        as customer_history
    union all
    {%- endif %}
    select
        customer_id,
        cast(order_date as date) as order_date,
        orders,
        revenue
    from ({{ relation("gold", "customer_orders", ["customer_id", "order_date", "orders", "revenue"],
        partition_column="order_date", since=settled_before or none) }}) as customer_orders
),

customers as (
    select
        customer_id,
        segment
    from ({{ relation("silver", "customers", ["customer_id", "segment"]) }}) as customers
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
