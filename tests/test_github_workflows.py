"""The GitHub workflows: CI runs what .ci/run runs; deploy reaches AWS by OIDC only and runs make deploy.

No GitHub runner here, so the workflows are checked as data, as
tests/test_docker_compose.py checks the compose file.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from local.paths import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials@"
LONG_LIVED_KEYS = ("aws-access-key-id", "aws-secret-access-key", "aws_access_key", "aws_secret")


def _load(name: str) -> dict[str, Any]:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text())
    # YAML 1.1 reads the bare key `on` as True
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


@pytest.fixture(scope="module")
def ci() -> dict[str, Any]:
    return _load("ci.yml")


@pytest.fixture(scope="module")
def deploy() -> dict[str, Any]:
    return _load("deploy.yml")


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _uses(steps: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    return [step for step in steps if step.get("uses", "").startswith(action)]


def test_ci_runs_dot_ci_run_on_every_push_and_pull_request(ci: dict[str, Any]) -> None:
    assert {"push", "pull_request"} <= set(ci["on"])
    job = ci["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-24.04"
    [run] = [step for step in job["steps"] if "run" in step and ".ci/run" in step["run"]]
    assert run["run"].strip() == "bash .ci/run"
    assert run["env"]["CI"] == "true"
    [python] = _uses(job["steps"], "actions/setup-python@")
    assert python["with"]["python-version"] == "3.12"
    assert (REPO_ROOT / ".ci" / "run").is_file()


def test_ci_installs_chromium_without_failing_the_run_when_it_cannot(ci: dict[str, Any]) -> None:
    [install] = [step for step in _steps(ci) if "apt-get install -y chromium" in step.get("run", "")]
    assert "||" in install["run"]


def test_deploy_runs_by_hand_for_dev_or_prod_in_that_github_environment(deploy: dict[str, Any]) -> None:
    assert set(deploy["on"]) == {"workflow_dispatch"}
    chosen = deploy["on"]["workflow_dispatch"]["inputs"]["environment"]
    assert (chosen["type"], chosen["options"]) == ("choice", ["dev", "prod"])
    [job] = deploy["jobs"].values()
    assert job["environment"] == "${{ inputs.environment }}"


def test_deploy_assumes_a_role_through_oidc(deploy: dict[str, Any]) -> None:
    assert deploy["permissions"] == {"id-token": "write", "contents": "read"}
    [credentials] = _uses(_steps(deploy), CREDENTIALS_ACTION)
    assert credentials["uses"] == f"{CREDENTIALS_ACTION}v4"
    assert credentials["with"] == {
        "role-to-assume": "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
        "aws-region": "${{ vars.AWS_REGION }}",
    }


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_no_workflow_mentions_long_lived_aws_keys_or_secrets(name: str) -> None:
    text = (WORKFLOWS / name).read_text().lower()
    for key in LONG_LIVED_KEYS:
        assert key not in text, (name, key)
    assert "secrets." not in text, name


def test_deploy_runs_make_deploy_for_the_chosen_environment_with_the_assumed_role(
    deploy: dict[str, Any],
) -> None:
    steps = _steps(deploy)
    runs = [index for index, step in enumerate(steps) if "make deploy" in step.get("run", "")]
    assert [steps[index]["run"].strip() for index in runs] == ["make deploy ENV=${{ inputs.environment }}"]
    [credentials] = [index for index, step in enumerate(steps) if CREDENTIALS_ACTION in step.get("uses", "")]
    assert credentials < runs[0]
