"""The AWS resources the DAG expects to exist, derived from pipeline.yaml.

On AWS, Terraform creates them; on a laptop, `local/stack.py` creates them on
the local endpoint. Both read this module, so the crawler's name and targets,
the databases and the workgroup are defined once.
"""

from __future__ import annotations

import json
from typing import Any

from lakehouse.config import PipelineConfig


def crawler_spec(config: PipelineConfig, role: str) -> dict[str, Any]:
    """Arguments of glue.create_crawler for the bronze crawler: one S3 target per source table."""
    lake = config.lake
    return {
        "Name": lake.crawler,
        "Role": role,
        "DatabaseName": lake.databases.bronze,
        "Description": "bronze Parquet written by lakehouse_daily's export",
        "Targets": {"S3Targets": [{"Path": lake.prefix("bronze", t.name)} for t in config.source.tables]},
        "SchemaChangePolicy": {"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
        "RecrawlPolicy": {"RecrawlBehavior": "CRAWL_EVERYTHING"},
        "Configuration": json.dumps(
            {
                "Version": 1.0,
                "Grouping": {"TableGroupingPolicy": "CombineCompatibleSchemas"},
                "CrawlerOutput": {"Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}},
            }
        ),
    }


def databases(config: PipelineConfig) -> list[str]:
    names = config.lake.databases
    return [names.bronze, names.silver, names.gold, names.staging]


def buckets(config: PipelineConfig) -> list[str]:
    return [config.lake.bucket, config.lake.athena_results_bucket]
