-- Is the source table reachable and non-empty, and did it change during this
-- run's data interval? Dimension tables (no business date) need not change
-- every day, so only fact tables are held to that.
-- One row; SQLCheckOperator fails the task if any column is false or null.
-- Identifiers come from pipeline.yaml and are validated there.
select
    count(*) > 0 as has_rows,
{%- if params.require_change %}
    max({{ params.cursor_column }}) >= '{{ data_interval_start }}'::timestamptz as changed_in_interval
{%- else %}
    true as changed_in_interval
{%- endif %}
from {{ params.schema }}.{{ params.table }}
