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

# the two locks (`make lock`, deploy/lock.py): what MWAA installs, and what development adds
RUNTIME_LOCK = CONSTRAINTS
DEV_LOCK = "constraints-dev.txt"

# what MWAA's image runs, vendored from aws/amazon-mwaa-docker-images (deploy/mwaa_image/README.md)
MWAA_IMAGE_DIR = "deploy/mwaa_image/3.3.1"
MWAA_IMAGE_PACKAGES = f"{MWAA_IMAGE_DIR}/airflow_constraints.txt"
MWAA_ESSENTIAL_CONSTRAINTS = f"{MWAA_IMAGE_DIR}/mwaa_essential_constraints.txt"
MWAA_REQUIRED_PACKAGES = f"{MWAA_IMAGE_DIR}/required_packages.txt"
MWAA_PYTHON = (3, 12)
MWAA_INSTALL_LIMIT_S = 9 * 60

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
