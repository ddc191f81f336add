"""`make package` and `make deploy ENV=...` run the deploy modules; deploy refuses to guess the environment.

STAMP is emptied on the command line so make does not (re)install the venv.
"""

from __future__ import annotations

import os
import subprocess

from deploy.layout import REPO_ROOT


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("ENV", "MAKEFLAGS")}
    return subprocess.run(
        ["make", "--no-print-directory", "STAMP=", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_deploy_without_env_fails_saying_how_to_call_it() -> None:
    result = _make("deploy")
    assert result.returncode != 0
    assert "ENV is required: make deploy ENV=dev" in result.stdout + result.stderr
    assert "deploy.package" not in result.stdout


def test_make_deploy_packages_then_uploads_to_the_named_environment() -> None:
    result = _make("-n", "deploy", "ENV=dev")
    assert result.returncode == 0, result.stderr
    commands = [line for line in result.stdout.splitlines() if "-m deploy." in line]
    assert commands == [".venv/bin/python -m deploy.package", ".venv/bin/python -m deploy.upload --env dev"]


def test_make_package_builds_dist() -> None:
    result = _make("-n", "package")
    assert result.returncode == 0, result.stderr
    assert ".venv/bin/python -m deploy.package" in result.stdout.splitlines()


def test_make_help_lists_package_and_deploy() -> None:
    help_text = _make("help").stdout
    assert "make package" in help_text
    assert "make deploy ENV=" in help_text
