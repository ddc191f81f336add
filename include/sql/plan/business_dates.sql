{#- Per bronze batch (ingest date), the business dates (silver partitions) its change records touch, with
    their record counts; the row whose date is null counts the records silver cannot place (the audit
    fails on them). The counts also prove each batch's rows are in the catalog. -#}
select
    ingest_date,
    date_format({{ business_date_column | identifier }}, '%Y-%m-%d') as business_date,
    count(*) as records
from {{ bronze_db | identifier }}.{{ table | identifier }}
where ingest_date in ({{ ingest_dates | sql_list }})
group by 1, 2
order by 1, 2
