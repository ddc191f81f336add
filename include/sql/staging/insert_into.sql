{#- Fill one chunk (at most 100 partitions) of a staged temp table. -#}
insert into {{ staging_db | identifier }}.{{ temp_table | identifier }}
{{ body }}
