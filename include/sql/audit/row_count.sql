{#- Audit: rows staged, per partition for partitioned datasets. -#}
select
    {%- if partition_column %}
    {{ partition_column | identifier }} as partition_value,
    {%- else %}
    '' as partition_value,
    {%- endif %}
    count(*) as row_count
from {{ staging_db | identifier }}.{{ temp_table | identifier }}
{%- if partition_column %}
group by {{ partition_column | identifier }}
{%- endif %}
