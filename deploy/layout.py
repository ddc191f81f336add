"""Where things are: the repository's sources, dist/, and MWAA's paths inside its containers.

One module owns these names so that packaging, upload and the tests agree on
them; MWAA's side is fixed by the service, ours by the Makefile.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DIST = REPO_ROOT / "dist"

# in dist/, exactly what MWAA takes
DAGS = "dags"
PLUGINS_ZIP = "plugins.zip"
REQUIREMENTS = "requirements.txt"
CONSTRAINTS = "constraints.txt"
INCLUDE = "include"

# MWAA's dags folder in its containers: requirements.txt's --constraint points inside it
MWAA_DAGS_FOLDER = "/usr/local/airflow/dags"
MWAA_CONSTRAINTS = f"{MWAA_DAGS_FOLDER}/{CONSTRAINTS}"

# never shipped: caches a developer's interpreter leaves beside the sources
SKIPPED_DIRS = frozenset({"__pycache__"})
SKIPPED_SUFFIXES = frozenset({".pyc", ".pyo"})


def shipped_files(root: Path) -> list[Path]:
    """Every file under `root` that belongs in a deployment, sorted, caches left out."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix not in SKIPPED_SUFFIXES
        and not SKIPPED_DIRS.intersection(path.relative_to(root).parts)
    )
