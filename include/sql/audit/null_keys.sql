{#- Audit: staged rows with a null key column (must be 0). -#}
select count(*) as failures
from {{ staging_db | identifier }}.{{ temp_table | identifier }}
where {% for key in key_columns %}{{ key | identifier }} is null{{ " or " if not loop.last }}{% endfor %}
