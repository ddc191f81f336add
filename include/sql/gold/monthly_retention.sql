{#-
  gold.monthly_retention: for each cohort (the month of a customer's first
  counted order), how many of its customers placed a counted order N whole
  months later. Built from gold.customer_orders as this run published it (the
  day's changes reach it through the dates customer_orders rebuilt): one row
  per customer and order date, so no order or item of silver is read again.
-#}
with active_months as (
    select distinct
        customer_id,
        date_trunc('month', cast(order_date as date)) as order_month
    from {{ gold_db | identifier }}.customer_orders
),

cohorts as (
    select
        customer_id,
        min(order_month) as cohort_month
    from active_months
    group by customer_id
),

final as (
    select
        c.cohort_month,
        date_diff('month', c.cohort_month, a.order_month) as months_since_first_order,
        count(distinct a.customer_id) as active_customers
    from cohorts as c
    join active_months as a on a.customer_id = c.customer_id
    group by c.cohort_month, date_diff('month', c.cohort_month, a.order_month)
)

select * from final
