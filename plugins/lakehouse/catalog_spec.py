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
    """Arguments of glue.create_crawler for the bronze crawler: one S3 target per source table.

    A hard-delete table's key set (bronze/<table>__keys/) is a target of its own,
    so the crawler catalogues it as a table silver's plan can read.
    """
    from lakehouse.names import key_set_table

    lake = config.lake
    prefixes = [t.name for t in config.source.tables]
    prefixes += [key_set_table(t.name) for t in config.source.tables if t.hard_deletes]
    return {
        "Name": lake.crawler,
        "Role": role,
        "DatabaseName": lake.databases.bronze,
        "Description": "bronze Parquet written by lakehouse_daily's export",
        "Targets": {"S3Targets": [{"Path": lake.prefix("bronze", prefix)} for prefix in prefixes]},
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
