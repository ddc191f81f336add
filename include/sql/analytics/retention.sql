-- Retention: the share of each first-order cohort still ordering N months later,
-- from gold.monthly_retention (an Athena named query, created by Terraform).
select
    activity.cohort_month,
    activity.months_since_first_order,
    activity.active_customers,
    cohort.active_customers as cohort_customers,
    round(cast(activity.active_customers as double) / cohort.active_customers, 4) as retention_rate
from monthly_retention as activity
join monthly_retention as cohort
    on cohort.cohort_month = activity.cohort_month
    and cohort.months_since_first_order = 0
order by activity.cohort_month, activity.months_since_first_order
