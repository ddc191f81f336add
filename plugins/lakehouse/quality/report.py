"""Keep an audit's report in S3: the verdict and GX's result as JSON, and the Data Docs HTML.

GX 1.x has no S3 store for Data Docs, so the site is built into a local folder
and uploaded. Only what the pages need goes up: the HTML, its styles and
scripts; GX's bundled fonts and animated help images (most of a site's bytes) stay behind.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

from lakehouse.config import PipelineConfig

SKIPPED_ASSETS = ("static/fonts/", "static/images/")


def report_location(
    config: PipelineConfig, dag_id: str, dataset: str, day: str, run_id: str
) -> tuple[str, str]:
    """(bucket, key prefix) of one audit's report: reports/<dag_id>/<dataset>/<date>/<run_id>/."""
    prefix = f"{config.quality.reports_prefix}/{dag_id}/{dataset}/{day}/{run_id}/"
    return config.lake.bucket, prefix


def upload_report(s3: Any, bucket: str, prefix: str, folder: Path, payload: dict[str, Any]) -> list[str]:
    """Write result.json beside the Data Docs in `folder` and upload the lot; return the keys."""
    (folder / "result.json").write_text(json.dumps(payload, indent=2, default=str))
    keys = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(tuple(f"data_docs/{skip}" for skip in SKIPPED_ASSETS)):
            continue
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        s3.put_object(Bucket=bucket, Key=prefix + relative, Body=path.read_bytes(), ContentType=content_type)
        keys.append(prefix + relative)
    return keys


def latest_audits(s3: Any, bucket: str, prefix: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """dataset -> (report folder key, verdict) of its most recent audit."""
    newest: dict[str, tuple[Any, str]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            if item["Key"].endswith("/result.json"):
                dataset = item["Key"][len(prefix) :].split("/", 1)[0]
                if dataset not in newest or item["LastModified"] > newest[dataset][0]:
                    newest[dataset] = (item["LastModified"], item["Key"].removesuffix("result.json"))
    found = {}
    for dataset, (_, folder) in sorted(newest.items()):
        body = s3.get_object(Bucket=bucket, Key=folder + "result.json")["Body"].read()
        found[dataset] = (folder, json.loads(body)["verdict"])
    return found
