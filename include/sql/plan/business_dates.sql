{#- The business dates (silver partitions) that this ingest date's change records touch. -#}
select distinct date_format({{ business_date_column | identifier }}, '%Y-%m-%d') as business_date
from {{ bronze_db | identifier }}.{{ table | identifier }}
where ingest_date = {{ ingest_date | sql_string }}
order by 1
