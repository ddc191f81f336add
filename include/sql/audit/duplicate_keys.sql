{#- Audit: keys that occur more than once in the staged data (must be 0). -#}
select count(*) as failures
from (
    select {{ key_columns | map("identifier") | join(", ") }}
    from {{ staging_db | identifier }}.{{ temp_table | identifier }}
    group by {{ key_columns | map("identifier") | join(", ") }}
    having count(*) > 1
)
