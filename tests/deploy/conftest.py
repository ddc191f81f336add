"""A copy of the repository's shipped sources, with junk planted beside them, and dist/ built from it.

Building from a copy lets the tests plant what must never ship (caches, the
offline stack's folders) and change sources, without touching the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deploy.layout import CONSTRAINTS, REPO_ROOT, REQUIREMENTS
from deploy.package import Package, build

SOURCE_DIRS = ("dags", "include", "plugins")
NEVER_SHIPPED = ("local", "tests", "bench", "docker", "terraform")


def copy_sources(target: Path) -> Path:
    """The repository's dags/, include/, plugins/, requirements.txt and lock, plus planted junk."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in SOURCE_DIRS:
        shutil.copytree(REPO_ROOT / folder, target / folder, ignore=ignore)
    for name in (REQUIREMENTS, CONSTRAINTS):
        shutil.copyfile(REPO_ROOT / name, target / name)
    for folder in ("dags", "include/sql", "plugins", "plugins/lakehouse", "plugins/lakehouse/wap"):
        cache = target / folder / "__pycache__"
        cache.mkdir()
        (cache / "module.cpython-311.pyc").write_bytes(b"\x00compiled")
    (target / "plugins/lakehouse/stray.pyc").write_bytes(b"\x00compiled")
    for folder in NEVER_SHIPPED:
        (target / folder).mkdir()
        (target / folder / "secret.py").write_text("not for MWAA\n")
    return target


@pytest.fixture(scope="session")
def source_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_sources(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="session")
def package(source_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Package:
    """dist/ as make package builds it (read-only for tests: copy it to change it)."""
    return build(tmp_path_factory.mktemp("build") / "dist", repo=source_repo)
