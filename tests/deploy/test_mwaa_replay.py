"""MWAA's install replayed: requirements.txt on the 3.3.1 image's package set, then the DAGs on it.

The worker comes from the session's `mwaa_worker` fixture (tests/conftest.py,
deploy/mwaa_replay.py). The day of lakehouse_daily it runs is the converging run of day 3 of
the shared end-to-end scenario (tests/dags/scenario.py).
"""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest

from deploy.layout import MWAA_ESSENTIAL_CONSTRAINTS, REPO_ROOT, RUNTIME_LOCK
from deploy.lock import read_pins
from deploy.mwaa_replay import ReplayError, mwaa_requirements

# the worker is the one the shared scenario runs its first day on (tests/conftest.py keeps them together)
pytestmark = [pytest.mark.slow]

INSTALLED = """
import json
from importlib.metadata import distributions
print(json.dumps({d.metadata["Name"]: d.version for d in distributions()}))
"""


def installed_versions(mwaa_worker) -> dict[str, str]:
    from deploy.lock import canonical

    worker = mwaa_worker.worker
    out = subprocess.run(
        [str(worker.python), "-c", INSTALLED],
        env=worker.env(dict(os.environ)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {canonical(name): version for name, version in json.loads(out).items()}


def test_requirements_txt_installs_on_the_image_as_mwaa_installs_it_within_its_limit(mwaa_worker) -> None:
    install = mwaa_worker.install
    assert install.command[-4:-2] == ["--constraint", str(REPO_ROOT / MWAA_ESSENTIAL_CONSTRAINTS)]
    assert install.returncode == 0, f"pip failed as it would on MWAA:\n{install.output[-5000:]}"
    assert install.within_limit, install.figure()


def test_the_worker_ends_with_the_lock_and_mwaa_essential_packages_unmoved(mwaa_worker) -> None:
    installed = installed_versions(mwaa_worker)
    essential = read_pins(REPO_ROOT / MWAA_ESSENTIAL_CONSTRAINTS)
    assert installed["apache-airflow"] == essential["apache-airflow"]
    moved = {
        name: (installed[name], pin) for name, pin in essential.items() if installed.get(name, pin) != pin
    }
    assert not moved, f"installed, against MWAA's essential pins: {moved}"
    lock = read_pins(REPO_ROOT / RUNTIME_LOCK)
    differ = {
        name: (version, installed.get(name))
        for name, version in lock.items()
        if installed.get(name) != version
    }
    assert not differ, f"the worker's versions differ from the lock: {differ}"


def test_the_dags_and_the_plugin_import_without_errors_in_mwaa_folders(mwaa_worker) -> None:
    loaded = mwaa_worker.worker.import_dags(dict(os.environ))
    assert loaded["dag_import_errors"] == {}
    assert loaded["plugin_import_errors"] == {}
    assert {"lakehouse_daily", "source_activity_check"} <= set(loaded["dags"])
    assert "lakehouse" in loaded["plugins"]


def test_requirements_txt_must_name_the_lock_at_mwaa_path_to_be_replayed(tmp_path) -> None:
    lock = tmp_path / "constraints.txt"
    shipped = (REPO_ROOT / "requirements.txt").read_text()
    replayed = mwaa_requirements(shipped, lock)
    assert f'--constraint "{lock}"' in replayed.splitlines()
    assert [line for line in replayed.splitlines() if "constraint" not in line] == [
        line for line in shipped.splitlines() if "constraint" not in line
    ]
    shipped_at = "ships the lock as /usr/local/airflow/dags/constraints.txt"
    with pytest.raises(ReplayError, match=re.escape(shipped_at)):
        mwaa_requirements(shipped.replace("/usr/local/airflow/dags/", "/elsewhere/"), lock)
