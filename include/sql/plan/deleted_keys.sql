{#- The partitions of published silver.<table> that hold keys the source no longer has (hard deletes:
    the key set exported on key_set_date lacks them), with how many such rows each holds. -#}
select published.{{ partition_column | identifier }}, count(*) as records
from {{ silver_db | identifier }}.{{ table | identifier }} as published
where
{%- for key in key_columns %}
    published.{{ key | identifier }} is not null and
{%- endfor %}
    not exists (
    select 1
    from {{ bronze_db | identifier }}.{{ key_table | identifier }} as source_key
    where source_key.ingest_date = {{ key_set_date | sql_string }}
    {%- for key in key_columns %}
        and source_key.{{ key | identifier }} = published.{{ key | identifier }}
    {%- endfor %}
)
group by 1
order by 1
