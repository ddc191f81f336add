{#-
  A dataset as it will be once this run publishes: the staged rows, plus the
  published rows of every partition this run does not rewrite. Gold is staged
  from silver this way, beside silver's audits, and audits read their lookups
  this way (a new order item and its new order, staged in the same run, resolve).

  Context (lakehouse.wap.relations): columns, staging_db and temp_table when
  this run stages the dataset, live (whether the published table is read
  beside), live_db, table, and the rendered predicates of each side:
  staged_where, live_where (each a partition filter, a key range, or none).
-#}
{%- set column_list = columns | map("identifier") | join(", ") %}
{%- if temp_table %}
select {{ column_list }} from {{ staging_db | identifier }}.{{ temp_table | identifier }}
{%- if staged_where %}
where {{ staged_where }}
{%- endif %}
{%- if live %}
union all
{%- endif %}
{%- endif %}
{%- if live %}
select {{ column_list }} from {{ live_db | identifier }}.{{ table | identifier }}
{%- if live_where %}
where {{ live_where }}
{%- endif %}
{%- endif %}
