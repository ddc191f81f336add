"""Where include/ (pipeline.yaml, SQL templates, suites) lives at run time.

The same code runs in two layouts: the repository (include/ beside plugins/)
and MWAA (`make package` puts include/ inside the dags folder, since MWAA
syncs only dags/, plugins.zip and requirements.txt). We look in both rather
than branching on "local or not".
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def include_dir() -> Path:
    override = os.environ.get("LAKEHOUSE_INCLUDE_DIR")
    if override:
        return Path(override)
    candidates = [Path(__file__).resolve().parents[2] / "include"]
    dags_folder = os.environ.get("AIRFLOW__CORE__DAGS_FOLDER")
    if dags_folder:
        candidates.append(Path(dags_folder) / "include")
    candidates.append(Path("/usr/local/airflow/dags/include"))  # MWAA's dags folder
    for candidate in candidates:
        if (candidate / "pipeline.yaml").is_file():
            return candidate
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"include/pipeline.yaml not found; looked in {searched}")


def sql_dir() -> Path:
    return include_dir() / "sql"
