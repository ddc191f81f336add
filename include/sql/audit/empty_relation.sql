{#- A dataset that is neither published nor staged yet: no rows, with the types its suite declares. -#}
select
    {%- for column in columns %}
    cast(null as {{ types[column] | trino_type }}) as {{ column | identifier }}{{ "," if not loop.last }}
    {%- endfor %}
where false
