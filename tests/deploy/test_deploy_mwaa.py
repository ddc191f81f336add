"""Which object versions an environment update carries: exactly the ones that changed, or none."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from deploy.mwaa import Environment, SourceLocation, environment_update, find_environment

DESCRIBED: dict[str, Any] = {
    "Name": "airflow-lakehouse-dev",
    "Status": "AVAILABLE",
    "SourceBucketArn": "arn:aws:s3:::airflow-lakehouse-dev-mwaa-123456789012",
    "DagS3Path": "dags/",
    "PluginsS3Path": "code/plugins.zip",
    "PluginsS3ObjectVersion": "p1",
    "RequirementsS3Path": "code/requirements.txt",
    "RequirementsS3ObjectVersion": "r1",
}
ENVIRONMENT = Environment.from_api(DESCRIBED)


def test_an_environment_reads_its_sources_where_mwaa_says() -> None:
    assert ENVIRONMENT.source == SourceLocation(
        bucket="airflow-lakehouse-dev-mwaa-123456789012",
        dags_path="dags",
        plugins_path="code/plugins.zip",
        requirements_path="code/requirements.txt",
    )
    assert (ENVIRONMENT.plugins_version, ENVIRONMENT.requirements_version) == ("p1", "r1")


def test_an_environment_without_plugin_or_requirement_paths_gets_the_default_ones() -> None:
    bare = {key: DESCRIBED[key] for key in ("Name", "Status", "SourceBucketArn", "DagS3Path")}
    source = Environment.from_api(bare).source
    assert (source.plugins_path, source.requirements_path) == ("plugins.zip", "requirements.txt")


def test_current_versions_need_no_update() -> None:
    assert environment_update(ENVIRONMENT, "p1", "r1") == {}


def test_a_new_plugins_version_alone_updates_only_the_plugins() -> None:
    assert environment_update(ENVIRONMENT, "p2", "r1") == {"PluginsS3ObjectVersion": "p2"}


def test_a_new_requirements_version_alone_updates_only_the_requirements() -> None:
    assert environment_update(ENVIRONMENT, "p1", "r2") == {"RequirementsS3ObjectVersion": "r2"}


def test_both_new_versions_go_in_one_update() -> None:
    assert environment_update(ENVIRONMENT, "p2", "r2") == {
        "PluginsS3ObjectVersion": "p2",
        "RequirementsS3ObjectVersion": "r2",
    }


def test_an_environment_with_no_plugins_yet_gets_the_path_with_the_version() -> None:
    bare = Environment.from_api({key: DESCRIBED[key] for key in ("Name", "SourceBucketArn", "DagS3Path")})
    assert environment_update(bare, "p1", "r1") == {
        "PluginsS3Path": "plugins.zip",
        "PluginsS3ObjectVersion": "p1",
        "RequirementsS3Path": "requirements.txt",
        "RequirementsS3ObjectVersion": "r1",
    }


@pytest.fixture
def mwaa() -> Any:
    return boto3.client("mwaa", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def test_a_missing_environment_is_none(mwaa: Any) -> None:
    with Stubber(mwaa) as stub:
        stub.add_client_error(
            "get_environment",
            "ResourceNotFoundException",
            http_status_code=404,
            expected_params={"Name": "x-dev"},
        )
        assert find_environment(mwaa, "x-dev") is None


def test_other_errors_looking_for_the_environment_are_not_taken_for_absence(mwaa: Any) -> None:
    with Stubber(mwaa) as stub:
        stub.add_client_error("get_environment", "AccessDeniedException", http_status_code=403)
        with pytest.raises(mwaa.exceptions.AccessDeniedException):
            find_environment(mwaa, "x-dev")


def test_an_existing_environment_is_read_from_get_environment(mwaa: Any) -> None:
    with Stubber(mwaa) as stub:
        stub.add_response(
            "get_environment", {"Environment": DESCRIBED}, expected_params={"Name": "airflow-lakehouse-dev"}
        )
        assert find_environment(mwaa, "airflow-lakehouse-dev") == ENVIRONMENT
