"""Local AWS endpoint: moto's S3/Glue/STS/Athena, with Athena SQL really executed in DuckDB,
Glue crawlers that really crawl, and the lake kept across restarts (persistence.py). Start it
with ``python -m local.aws --port 4566``."""
