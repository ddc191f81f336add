{#-
  silver.<table>: the current state of every record of one source table.

  Partitioned tables (those with a business date) are rewritten only where the
  change records of the bronze batches not merged yet land (one batch per run
  that exported; several when a day was skipped or failed): the published rows
  of those partitions and the change records are merged, the latest version of each key wins (by the
  cursor column), and soft-deleted records are dropped. Tables without a
  business date are small dimensions and are rewritten whole the same way.
  A snapshot (a full-mode table, or a full refresh) is the current state on its
  own (rows missing from it are gone), with the change batches exported after it.

  rank(), not row_number(): two change records of one key with the same cursor
  value are a duplicate at the source; both are kept so that the audit sees
  and names the duplicate instead of silver picking one of them at random.

  Context (all names validated by the planner):
    table, key_columns, cursor_column, delete_column (or none), columns,
    column_types (Glue types, for nulls in published rows), bronze_db, silver_db,
    ingest_dates (the batches), partition_column (or none), business_date_column,
    partitions (the ones to rewrite), merge_published (bool),
    published_columns (the live table's columns), key_table and key_set_date
    (hard deletes: the bronze key set that rows must still be in; or none)
-#}
with changes as (
    select
        {%- for column in columns %}
        {{ column | identifier }},
        {%- endfor %}
        {%- if delete_column %}
        {{ delete_column | identifier }} as _deleted_at,
        {%- else %}
        cast(null as timestamp) as _deleted_at,
        {%- endif %}
        {%- if partition_column %}
        date_format({{ business_date_column | identifier }}, '%Y-%m-%d') as {{ partition_column | identifier }},
        {%- endif %}
        0 as _source_rank
    from {{ bronze_db | identifier }}.{{ table | identifier }}
    where ingest_date in ({{ ingest_dates | sql_list }})
),

{%- if merge_published %}

published as (
    select
        {%- for column in columns %}
        {%- if column in published_columns %}
        {{ column | identifier }},
        {%- else %}
        cast(null as {{ column_types[column] | trino_type }}) as {{ column | identifier }},
        {%- endif %}
        {%- endfor %}
        cast(null as timestamp) as _deleted_at,
        {%- if partition_column %}
        {{ partition_column | identifier }},
        {%- endif %}
        1 as _source_rank
    from {{ silver_db | identifier }}.{{ table | identifier }}
    {%- if partition_column %}
    where {{ partition_column | identifier }} in ({{ partitions | sql_list }})
    {%- endif %}
),
{%- endif %}

candidates as (
    select * from changes
    {%- if partition_column %}
    where {{ partition_column | identifier }} in ({{ partitions | sql_list }})
    {%- endif %}
    {%- if merge_published %}
    union all
    select * from published
    {%- endif %}
),

ranked as (
    select
        *,
        rank() over (
            partition by {% for key in key_columns %}{{ key | identifier }}{{ ", " if not loop.last }}{% endfor %}
            order by {{ cursor_column | identifier }} desc, _source_rank
        ) as _version
    from candidates
),

final as (
    select
        {%- for column in columns %}
        {{ column | identifier }}{{ "," if partition_column or not loop.last }}
        {%- endfor %}
        {%- if partition_column %}
        {{ partition_column | identifier }}
        {%- endif %}
    from ranked
    where _version = 1 and _deleted_at is null
    {%- if key_table %}
        -- hard deletes: a key the source no longer has leaves silver; a row with a null key
        -- has no key to look up and stays, for the audit to name
        and (
            {%- for key in key_columns %}
            ranked.{{ key | identifier }} is null or
            {%- endfor %}
            exists (
                select 1
                from {{ bronze_db | identifier }}.{{ key_table | identifier }} as source_key
                where source_key.ingest_date = {{ key_set_date | sql_string }}
                {%- for key in key_columns %}
                    and source_key.{{ key | identifier }} = ranked.{{ key | identifier }}
                {%- endfor %}
            )
        )
    {%- endif %}
)

select * from final
