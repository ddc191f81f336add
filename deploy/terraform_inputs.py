"""terraform/lakehouse.json: what Terraform must agree on with the DAG, generated.

Terraform cannot import Python, and the DAG cannot read HCL, so the names
both depend on (buckets, prefixes, Glue databases, the crawler and its S3
targets, the Athena workgroup, connection ids, the Airflow version MWAA runs,
the CloudWatch metrics and SNS topics the runs report to) are written once by
this module from include/pipeline.yaml (through lakehouse.catalog_spec, which
the local stack uses too), lakehouse.metrics_names and requirements.txt.
Terraform reads the file with jsondecode into locals, not variables, so a
tfvars file cannot override a name the DAG depends on. A test fails when the
committed file is stale.

    python -m deploy.terraform_inputs [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "terraform" / "lakehouse.json"
# Prefixes of the lake bucket the DAG writes (see README, "The daily DAG").
LAKE_LAYERS = ("bronze", "silver", "gold")


def airflow_version(requirements: Path = REPO / "requirements.txt") -> str:
    """The one Airflow pin (requirements.txt), which MWAA's airflow_version must equal."""
    match = re.search(r"^apache-airflow==(\d+\.\d+\.\d+)\s*$", requirements.read_text(), re.M)
    if not match:
        raise ValueError(f"{requirements}: no `apache-airflow==X.Y.Z` line")
    return match.group(1)


def terraform_inputs() -> dict[str, Any]:
    from lakehouse.catalog_spec import crawler_spec
    from lakehouse.config import pipeline_config
    from lakehouse.metrics_names import terraform_inputs as monitoring_inputs
    from lakehouse.names import BATCHES_PREFIX, LEASES_PREFIX, SUPERSEDED_PREFIX, WATERMARKS_PREFIX

    config = pipeline_config()
    lake = config.lake
    crawler = crawler_spec(config, role="(created by terraform)")
    return {
        "_generated": "by `make terraform-inputs` from include/pipeline.yaml, "
        "plugins/lakehouse/metrics_names.py and requirements.txt",
        "airflow_version": airflow_version(),
        "lake_bucket": lake.bucket,
        "lake_prefixes": [
            f"{p}/"
            for p in (
                *LAKE_LAYERS,
                config.quality.reports_prefix,
                SUPERSEDED_PREFIX,
                BATCHES_PREFIX,
                WATERMARKS_PREFIX,
                LEASES_PREFIX,
            )
        ],
        "athena_results_bucket": lake.athena_results_bucket,
        "athena_output_location": lake.athena_output,
        "workgroup": lake.workgroup,
        "databases": lake.databases.model_dump(),
        "crawler": {
            "name": crawler["Name"],
            "database": crawler["DatabaseName"],
            "description": crawler["Description"],
            "s3_targets": [target["Path"] for target in crawler["Targets"]["S3Targets"]],
            "update_behavior": crawler["SchemaChangePolicy"]["UpdateBehavior"],
            "delete_behavior": crawler["SchemaChangePolicy"]["DeleteBehavior"],
            "recrawl_behavior": crawler["RecrawlPolicy"]["RecrawlBehavior"],
            "configuration": crawler["Configuration"],
        },
        "connections": {"postgres": config.source.conn_id, "aws": lake.aws_conn_id},
        "schedule_cron": config.schedule.cron,
        "monitoring": monitoring_inputs(),
    }


def render() -> str:
    return json.dumps(terraform_inputs(), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deploy.terraform_inputs", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="fail if the committed file is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_text() != text:
            print(f"{OUTPUT} is stale: run `make terraform-inputs`", file=sys.stderr)
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
