{#-
  Stage a dataset as a run-scoped temp table (write-audit-publish: the write).
  The CTAS writes the first chunk of at most 100 partitions (as many as
  Athena writes in one statement); an INSERT follows for each further chunk.
-#}
create table {{ staging_db | identifier }}.{{ temp_table | identifier }}
with (
    format = 'PARQUET',
    write_compression = 'SNAPPY',
    external_location = {{ location | s3 }}
    {%- if partition_column %},
    partitioned_by = array[{{ partition_column | sql_string }}]
    {%- endif %}
) as
{{ body }}
