{#- The business dates (silver partitions) this ingest date's change records touch, with their record
    counts; the row whose date is null counts the records silver cannot place (the audit fails on them). -#}
select date_format({{ business_date_column | identifier }}, '%Y-%m-%d') as business_date, count(*) as records
from {{ bronze_db | identifier }}.{{ table | identifier }}
where ingest_date = {{ ingest_date | sql_string }}
group by 1
order by 1
