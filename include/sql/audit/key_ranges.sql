{#-
  The staged rows' min and max of each of `columns` (integer keys): the lookups that
  declare a key_range read only the live rows within it (AuditScope.in_staged_range).
-#}
select
{%- for column in columns %}
    min({{ column | identifier }}), max({{ column | identifier }}){{ "," if not loop.last }}
{%- endfor %}
from {{ staged }}
