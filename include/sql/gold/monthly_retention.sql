{#-
  gold.monthly_retention: for each cohort (the month of a customer's first
  counted order), how many of its customers placed a counted order N whole
  months later. Rebuilt whole each run.
-#}
with counted_orders as (
    select
        customer_id,
        date_trunc('month', cast(order_date as date)) as order_month
    from {{ silver_db | identifier }}.orders
    where status in ('paid', 'shipped', 'delivered')
),

cohorts as (
    select
        customer_id,
        min(order_month) as cohort_month
    from counted_orders
    group by customer_id
),

activity as (
    select distinct
        customer_id,
        order_month
    from counted_orders
),

final as (
    select
        c.cohort_month,
        date_diff('month', c.cohort_month, a.order_month) as months_since_first_order,
        count(distinct a.customer_id) as active_customers
    from cohorts as c
    join activity as a on a.customer_id = c.customer_id
    group by c.cohort_month, date_diff('month', c.cohort_month, a.order_month)
)

select * from final
