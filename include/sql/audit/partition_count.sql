{#- The rows one partition of a dataset has (as it will be after this run): the volume check's baseline. -#}
select count(*) as row_count
from ({{ relation }}) as dataset
where {{ partition_column | identifier }} = {{ partition | sql_string }}
