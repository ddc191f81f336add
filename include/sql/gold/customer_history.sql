{#-
  gold.customer_history: one row per customer with a counted order before
  `settled_before` (the first of a month, pipeline.yaml's settles_after_days
  back): counted orders, revenue and first order date over those dates.
  customer_orders' settled dates, folded once: customer_ltv and
  monthly_retention read this and customer_orders only from `settled_before`
  on, so a run pays for a customer's recent days, not for every day since the
  shop opened. Deleted customers are kept (monthly_retention counts them;
  customer_ltv leaves them out).
  `settled_since`: the edge of the published history, still valid (no change
  reached a settled date since): its rows plus the dates from there to the new
  edge. Empty: folded from every settled date.
-#}
with settled_days as (
    select
        customer_id,
        cast(order_date as date) as order_date,
        orders,
        revenue
    from {{ gold_db | identifier }}.customer_orders
    where order_date < {{ settled_before | sql_string }}
    {%- if settled_since %}
      and order_date >= {{ settled_since | sql_string }}
    {%- endif %}
),
{%- if settled_since %}

published as (
    select
        customer_id,
        first_order_date as order_date,
        orders,
        revenue
    from {{ gold_db | identifier }}.customer_history
),
{%- endif %}

activity as (
    select * from settled_days
    {%- if settled_since %}
    union all
    select * from published
    {%- endif %}
),

final as (
    select
        customer_id,
        min(order_date) as first_order_date,
        sum(orders) as orders,
        cast(sum(revenue) as decimal(18, 2)) as revenue
    from activity
    group by customer_id
)

select * from final
