{#-
  A dataset as it will be once this run publishes: the staged rows, plus the
  published rows of every partition this run does not rewrite. Audits of one
  layer check each other's staged data this way, so a new order item and its
  new order (staged in the same run) resolve.

  Context: columns, live_db, table, live (whether it is published yet),
  live_filter (a predicate on the published rows, or none), and when this run
  stages the dataset: staging_db, temp_table, partition_column (or none),
  partitions.
-#}
{%- set column_list = columns | map("identifier") | join(", ") %}
{%- if temp_table %}
select {{ column_list }} from {{ staging_db | identifier }}.{{ temp_table | identifier }}
{%- if partition_column and live %}
union all
select {{ column_list }} from {{ live_db | identifier }}.{{ table | identifier }}
where {{ partition_column | identifier }} not in ({{ partitions | sql_list }})
{%- if live_filter %} and {{ live_filter }}{% endif %}
{%- endif %}
{%- else %}
select {{ column_list }} from {{ live_db | identifier }}.{{ table | identifier }}
{%- if live_filter %}
where {{ live_filter }}
{%- endif %}
{%- endif %}
