{#-
  gold.monthly_retention: for each cohort (the month of a customer's first
  counted order), how many of its customers placed a counted order N whole
  months later. Built from gold.customer_orders as this run will publish it (its
  staged rows: `relation`): one row per customer and order date, so no order or
  item of silver is read again.
  `merge`: the rows of the settled months (before `settled_before`) are kept
  as published (no change reached those months since they were computed) and
  only the months since are counted, from customer_orders' recent dates and,
  for a customer who ordered before them, the cohort gold.customer_history
  holds. Otherwise every date of customer_orders is read.
-#}
with active_months as (
    select distinct
        customer_id,
        date_trunc('month', cast(order_date as date)) as order_month
    from ({{ relation("gold", "customer_orders", ["customer_id", "order_date"],
        partition_column="order_date", since=settled_before if merge else none) }}) as customer_orders
),

cohorts as (
    select
        a.customer_id,
        {%- if merge %}
        coalesce(min(date_trunc('month', h.first_order_date)), min(a.order_month)) as cohort_month
        {%- else %}
        min(a.order_month) as cohort_month
        {%- endif %}
    from active_months as a
    {%- if merge %}
    left join ({{ relation("gold", "customer_history", ["customer_id", "first_order_date"]) }}) as h
        on h.customer_id = a.customer_id
    {%- endif %}
    group by a.customer_id
),

counted as (
    select
        c.cohort_month,
        date_diff('month', c.cohort_month, a.order_month) as months_since_first_order,
        count(distinct a.customer_id) as active_customers
    from cohorts as c
    join active_months as a on a.customer_id = c.customer_id
    group by c.cohort_month, date_diff('month', c.cohort_month, a.order_month)
),
{%- if merge %}

settled as (
    select
        cohort_month,
        months_since_first_order,
        active_customers
    from {{ gold_db | identifier }}.monthly_retention
    where date_add('month', months_since_first_order, cohort_month) < date {{ settled_before | sql_string }}
),
{%- endif %}

final as (
    select * from counted
    {%- if merge %}
    union all
    select * from settled
    {%- endif %}
)

select * from final
