"""Deploy names the environment and bucket as Terraform does, from the same tfvars."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.target import DEFAULT_PROJECT, Target, TargetError, resolve_target

TFVARS = """
# dev: small and cheap
project     = "shop-lake"
environment = "dev"
region      = "eu-west-1" # Ireland
min_workers = 1
tags = {
  team = "data"
}
"""


@pytest.fixture
def terraform_dir(tmp_path: Path) -> Path:
    (tmp_path / "dev.tfvars").write_text(TFVARS)
    return tmp_path


def test_the_environment_and_bucket_names_follow_terraforms() -> None:
    target = Target(project="airflow-lakehouse", environment="dev", region="us-east-1")
    assert target.environment_name == "airflow-lakehouse-dev"
    assert target.default_bucket("123456789012") == "airflow-lakehouse-dev-mwaa-123456789012"


def test_project_and_region_come_from_the_environments_tfvars(terraform_dir: Path) -> None:
    target = resolve_target("dev", terraform_dir=terraform_dir, env={"AWS_REGION": "us-west-2"})
    assert target == Target(project="shop-lake", environment="dev", region="eu-west-1")


def test_flags_override_the_tfvars(terraform_dir: Path) -> None:
    target = resolve_target("dev", project="other", region="ap-south-1", terraform_dir=terraform_dir, env={})
    assert target == Target(project="other", environment="dev", region="ap-south-1")


def test_without_tfvars_the_project_defaults_and_the_region_comes_from_aws_region(tmp_path: Path) -> None:
    target = resolve_target("prod", terraform_dir=tmp_path, env={"AWS_REGION": "us-west-2"})
    assert target == Target(project=DEFAULT_PROJECT, environment="prod", region="us-west-2")
    fallback = resolve_target("prod", terraform_dir=tmp_path, env={"AWS_DEFAULT_REGION": "eu-central-1"})
    assert fallback.region == "eu-central-1"


def test_no_region_anywhere_fails_saying_where_to_set_one(tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="--region"):
        resolve_target("dev", terraform_dir=tmp_path, env={})


@pytest.mark.parametrize("environment", ["Dev", "dev_1", "", "-dev"])
def test_a_name_that_cannot_be_part_of_a_bucket_name_is_refused(environment: str, tmp_path: Path) -> None:
    with pytest.raises(TargetError, match="lowercase"):
        resolve_target(environment, region="us-east-1", terraform_dir=tmp_path, env={})
