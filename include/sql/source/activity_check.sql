{#-
  Is the source table reachable and non-empty, and did it change during this
  run's data interval? Dimension tables (no business date) need not change
  every day, so only fact tables are held to that.
  One row; SQLCheckOperator fails the task if any column is false or null.

  Rendered when the DAG is parsed (dags/source_activity_check.py), from
  pipeline.yaml alone, with identifiers validated and quoted: nothing a run's
  conf or params carry reaches this text. `interval_start` is the one piece
  Airflow fills in at run time: its own data interval, a timestamp it parsed.

  Context: schema, table, cursor_column, require_change (bool), interval_start.
-#}
select
    count(*) > 0 as has_rows,
{%- if require_change %}
    max({{ cursor_column | identifier }}) >= '{{ interval_start }}'::timestamptz as changed_in_interval
{%- else %}
    true as changed_in_interval
{%- endif %}
from {{ schema | identifier }}.{{ table | identifier }}
