{#- The rows of each bronze batch (ingest date) as the catalog reads them: what the export wrote must be there. -#}
select ingest_date, count(*) as records
from {{ bronze_db | identifier }}.{{ table | identifier }}
where ingest_date in ({{ ingest_dates | sql_list }})
group by 1
order by 1
