"""Local AWS endpoint: moto's S3/Glue/STS/Athena, with Athena SQL really executed in DuckDB
and Glue crawlers that really crawl. Start it with ``python -m local.aws --port 4566``."""
