"""The runtime lock is one MWAA accepts, and development tools stay out of it (deploy/lock.py)."""

from __future__ import annotations

import re

from deploy.layout import DEV_LOCK, MWAA_ESSENTIAL_CONSTRAINTS, MWAA_IMAGE_PACKAGES, REPO_ROOT, RUNTIME_LOCK
from deploy.lock import (
    canonical,
    essential_conflicts,
    image_differences,
    read_pins,
    runtime_requirements,
)

RUNTIME = read_pins(REPO_ROOT / RUNTIME_LOCK)
DEV = read_pins(REPO_ROOT / DEV_LOCK)
ESSENTIAL = read_pins(REPO_ROOT / MWAA_ESSENTIAL_CONSTRAINTS)
IMAGE = read_pins(REPO_ROOT / MWAA_IMAGE_PACKAGES)


def requirement_names(text: str) -> set[str]:
    names = set()
    for raw in text.splitlines():
        line = raw.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(canonical(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", line).group(0)))
    return names


def test_the_runtime_lock_contradicts_none_of_mwaa_essential_constraints() -> None:
    assert ESSENTIAL, "the essential constraints were not read"
    assert essential_conflicts(RUNTIME, ESSENTIAL) == []


def test_a_lock_that_moves_an_essential_package_is_named_as_a_conflict() -> None:
    moved = {**RUNTIME, "sqlalchemy-utils": "0.41.2"}
    assert essential_conflicts(moved, ESSENTIAL) == [
        "sqlalchemy-utils: lock 0.41.2, MWAA's essential constraints 0.42.1"
    ]


def test_the_runtime_lock_pins_airflow_and_every_requirement_mwaa_installs() -> None:
    requirements = (REPO_ROOT / "requirements.txt").read_text()
    airflow = re.search(r"^apache-airflow==(\S+)", requirements, re.M).group(1)
    assert RUNTIME["apache-airflow"] == airflow == ESSENTIAL["apache-airflow"]
    missing = requirement_names(runtime_requirements(REPO_ROOT / "requirements.txt")) - set(RUNTIME)
    assert not missing, f"requirements.txt names packages the lock does not pin: {sorted(missing)}"


def test_no_development_tool_enters_the_runtime_lock() -> None:
    tools = requirement_names((REPO_ROOT / "requirements-dev.txt").read_text())
    assert tools, "requirements-dev.txt was not read"
    assert not tools & set(RUNTIME), f"development tools in the runtime lock: {sorted(tools & set(RUNTIME))}"
    assert tools <= set(DEV) | set(RUNTIME)


def test_the_development_layer_never_repins_a_runtime_package() -> None:
    assert not set(DEV) & set(RUNTIME), sorted(set(DEV) & set(RUNTIME))


def test_the_lock_keeps_the_image_versions_of_everything_but_what_requirements_txt_moves() -> None:
    """Each package MWAA would reinstall is one requirements.txt asks for, or a dependency it forces."""
    moved = image_differences(RUNTIME, IMAGE)
    assert moved["adbc-driver-postgresql"] == ("1.12.0", "1.8.0")  # held back on purpose (requirements.txt)
    assert RUNTIME["apache-airflow-providers-amazon"] >= "9.39.0"
    # the image's own versions of the heavy shared libraries stay
    for name in ("pyarrow", "pandas", "numpy", "sqlalchemy", "boto3", "botocore", "fastapi", "pydantic"):
        assert name not in moved, f"{name} moves from the image's {IMAGE.get(name)}: {moved.get(name)}"
    assert len(moved) <= 5, f"MWAA would reinstall {len(moved)} of the image's packages: {moved}"
