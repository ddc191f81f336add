{#- Change records without a business date: silver cannot place them, so the audit fails on them. -#}
select count(*) as missing
from {{ bronze_db | identifier }}.{{ table | identifier }}
where ingest_date = {{ ingest_date | sql_string }}
  and {{ business_date_column | identifier }} is null
