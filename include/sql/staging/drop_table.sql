{#- Drop the temp table once published: its files now back the live table, so they stay. -#}
drop table if exists {{ staging_db | identifier }}.{{ temp_table | identifier }}
