{#-
  The batch an expectation suite validates: every staged row of the dataset,
  with the lookup columns its suite declares joined on (facts from other
  tables, e.g. whether the row's order exists). The suite is checked against
  this, never against the published table.

  Context: staging_db, temp_table, lookups (name, on, sql: the rendered lookup).
-#}
select
    staged.*
    {%- for lookup in lookups %},
    lookup_{{ loop.index }}.{{ lookup.name | identifier }}
    {%- endfor %}
from {{ staging_db | identifier }}.{{ temp_table | identifier }} as staged
{%- for lookup in lookups %}
{%- set n = loop.index %}
left join (
{{ lookup.sql }}
) as lookup_{{ n }}
    on {% for key in lookup.on %}staged.{{ key | identifier }} = lookup_{{ n }}.{{ key | identifier }}{{ " and " if not loop.last }}{% endfor %}
{%- endfor %}
