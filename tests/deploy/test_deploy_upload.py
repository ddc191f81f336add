"""`make deploy`: S3 over HTTP on the local AWS endpoint, MWAA through botocore's Stubber.

moto has no MWAA API; the Stubber sits on a real mwaa client, so every call
is validated against the real API model, and a call the test did not queue
(an update when nothing changed) fails the test.
"""

from __future__ import annotations

import shutil
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_helpers import client
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber

from deploy.archive import write_deterministic_zip
from deploy.layout import shipped_files
from deploy.package import Package
from deploy.target import Target
from deploy.upload import Clients, DeployError, DeployReport, deploy, main

ACCOUNT = "123456789012"  # the local endpoint's account for the access key "test"


def versioned_bucket(s3: Any, name: str) -> str:
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@dataclass
class Stage:
    """A copy of dist/, Terraform's source bucket on the endpoint, and a stubbed MWAA."""

    dist: Path
    target: Target
    clients: Clients
    stub: Stubber
    bucket: str
    work: Path

    @property
    def s3(self) -> Any:
        return self.clients.s3

    def deploy(self) -> DeployReport:
        return deploy(self.dist, self.target, self.clients)

    def no_environment(self) -> None:
        self.stub.add_client_error(
            "get_environment",
            "ResourceNotFoundException",
            http_status_code=404,
            expected_params={"Name": self.target.environment_name},
        )

    def environment(self, running: DeployReport | None = None, **described: str) -> None:
        """get_environment answering as an environment running the versions of `running`."""
        answer = {
            "Name": self.target.environment_name,
            "Status": "AVAILABLE",
            "SourceBucketArn": f"arn:aws:s3:::{self.bucket}",
            "DagS3Path": "dags",
            "PluginsS3Path": "plugins.zip",
            "RequirementsS3Path": "requirements.txt",
            **described,
        }
        if running is not None:
            answer["PluginsS3ObjectVersion"] = running.plugins.version_id
            answer["RequirementsS3ObjectVersion"] = running.requirements.version_id
        self.stub.add_response(
            "get_environment", {"Environment": answer}, expected_params={"Name": self.target.environment_name}
        )

    def expect_update(self, *changed: str) -> None:
        """update_environment with exactly these version arguments (their values are checked after)."""
        self.stub.add_response(
            "update_environment",
            {"Arn": f"arn:aws:airflow:us-east-1:{ACCOUNT}:environment/{self.target.environment_name}"},
            expected_params={"Name": self.target.environment_name, **dict.fromkeys(changed, ANY)},
        )

    def first_deploy(self) -> DeployReport:
        self.no_environment()
        return self.deploy()

    def current_version(self, key: str, bucket: str | None = None) -> str:
        return self.s3.head_object(Bucket=bucket or self.bucket, Key=key)["VersionId"]

    def dag_keys(self) -> list[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix="dags/")
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def change_plugin(self) -> None:
        """Rebuild plugins.zip with one module changed, as make package would."""
        extracted = self.work / "plugins"
        zipfile.ZipFile(self.dist / "plugins.zip").extractall(extracted)
        module = extracted / "lakehouse" / "__init__.py"
        module.write_text(module.read_text() + "\n# changed\n")
        entries = {p.relative_to(extracted).as_posix(): p for p in shipped_files(extracted)}
        write_deterministic_zip(self.dist / "plugins.zip", entries)


def deploy_role_session(endpoint_url: str, target: Target) -> boto3.session.Session:
    """A session of the deploy role terraform/ renders for `target`, created on the endpoint.

    On AWS the workflow gets it from GitHub's OIDC exchange; here the administrator assumes it
    (the exchange itself is not replayed), and the endpoint holds the session to the role's
    policy, so the deploy can do exactly what Terraform lets it do.
    """
    from local.aws.bootstrap import create_roles
    from local.aws.iam_render import DEPLOY_ROLE, local_variables, render_roles

    variables = {**local_variables(), "project": target.project, "environment": target.environment}
    role = render_roles(variables=variables)[DEPLOY_ROLE]
    create_roles(client("iam", endpoint_url), [role])
    credentials = client("sts", endpoint_url).assume_role(RoleArn=role.arn, RoleSessionName="github-actions")[
        "Credentials"
    ]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name="us-east-1",
    )


@pytest.fixture
def stage(package: Package, endpoint_url: str, tmp_path: Path) -> Iterator[Stage]:
    target = Target(project=f"t{uuid.uuid4().hex[:10]}", environment="dev", region="us-east-1")
    # Terraform creates the bucket (as the administrator); the deploy only writes to it
    bucket = versioned_bucket(client("s3", endpoint_url), target.default_bucket(ACCOUNT))
    session = deploy_role_session(endpoint_url, target)
    s3 = session.client("s3", endpoint_url=endpoint_url)
    mwaa = boto3.client("mwaa", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(mwaa) as stub:
        yield Stage(
            dist=Path(shutil.copytree(package.dist, tmp_path / "dist")),
            target=target,
            clients=Clients(s3=s3, sts=session.client("sts", endpoint_url=endpoint_url), mwaa=mwaa),
            stub=stub,
            bucket=bucket,
            work=tmp_path,
        )
        stub.assert_no_pending_responses()


def test_a_first_deploy_before_the_environment_exists_fills_terraforms_bucket(stage: Stage) -> None:
    report = stage.first_deploy()
    dags = stage.dist / "dags"
    shipped = sorted(f"dags/{p.relative_to(dags).as_posix()}" for p in shipped_files(dags))
    assert sorted(report.dags.uploaded) == shipped == stage.dag_keys()
    assert report.plugins.uploaded and report.requirements.uploaded
    assert report.plugins.version_id == stage.current_version("plugins.zip")
    assert report.requirements.version_id == stage.current_version("requirements.txt")
    uploaded = stage.s3.get_object(Bucket=stage.bucket, Key="plugins.zip")["Body"].read()
    assert uploaded == (stage.dist / "plugins.zip").read_bytes()
    assert report.update == {}
    said = "\n".join(report.lines())
    assert "does not exist yet: terraform apply will create it" in said
    assert report.plugins.version_id in said and report.requirements.version_id in said


def test_a_second_deploy_uploads_nothing_and_makes_no_update(stage: Stage) -> None:
    first = stage.first_deploy()
    stage.environment(running=first)  # no update_environment queued: a call would fail the test
    second = stage.deploy()
    assert (second.dags.uploaded, second.dags.deleted) == ([], [])
    assert len(second.dags.unchanged) == len(first.dags.uploaded)
    assert not second.plugins.uploaded and not second.requirements.uploaded
    assert (second.plugins.version_id, second.requirements.version_id) == (
        first.plugins.version_id,
        first.requirements.version_id,
    )
    assert second.update == {}
    assert "no update made" in "\n".join(second.lines())


def test_a_changed_dag_file_is_the_only_upload_and_needs_no_environment_update(stage: Stage) -> None:
    first = stage.first_deploy()
    dag = stage.dist / "dags" / "lakehouse_daily.py"
    dag.write_text(dag.read_text() + "\n# changed\n")
    stage.environment(running=first)
    report = stage.deploy()
    assert (report.dags.uploaded, report.dags.deleted) == (["dags/lakehouse_daily.py"], [])
    assert not report.plugins.uploaded and not report.requirements.uploaded
    assert report.update == {}


def test_a_changed_plugin_updates_the_environment_with_only_the_new_plugins_version(stage: Stage) -> None:
    first = stage.first_deploy()
    stage.change_plugin()
    stage.environment(running=first)
    stage.expect_update("PluginsS3ObjectVersion")
    report = stage.deploy()
    assert report.dags.uploaded == [] and report.plugins.uploaded and not report.requirements.uploaded
    new_version = stage.current_version("plugins.zip")
    assert new_version != first.plugins.version_id
    assert report.update == {"PluginsS3ObjectVersion": new_version}
    assert f"updated (PluginsS3ObjectVersion={new_version})" in "\n".join(report.lines())


def test_a_new_lock_reuploads_requirements_and_updates_only_the_requirements_version(stage: Stage) -> None:
    first = stage.first_deploy()
    lock = stage.dist / "dags" / "constraints.txt"
    lock.write_text(lock.read_text() + "lark==1.3.1\n")
    stage.environment(running=first)
    stage.expect_update("RequirementsS3ObjectVersion")
    report = stage.deploy()
    assert report.dags.uploaded == ["dags/constraints.txt"]
    assert report.requirements.uploaded and not report.plugins.uploaded
    new_version = stage.current_version("requirements.txt")
    assert new_version != first.requirements.version_id
    assert report.update == {"RequirementsS3ObjectVersion": new_version}


def test_files_gone_from_dist_are_deleted_from_the_dags_folder(stage: Stage) -> None:
    first = stage.first_deploy()
    (stage.dist / "dags" / "source_activity_check.py").unlink()
    (stage.dist / "dags" / "weekly.py").write_text("# a new DAG\n")
    stage.environment(running=first)
    report = stage.deploy()
    assert report.dags.uploaded == ["dags/weekly.py"]
    assert report.dags.deleted == ["dags/source_activity_check.py"]
    assert "dags/source_activity_check.py" not in stage.dag_keys()
    assert "dags/weekly.py" in stage.dag_keys()
    assert report.update == {}


def test_an_existing_environment_is_deployed_where_it_reads_its_sources(stage: Stage) -> None:
    stage.environment(
        DagS3Path="airflow/dags",
        PluginsS3Path="airflow/plugins.zip",
        RequirementsS3Path="airflow/requirements.txt",
    )
    stage.expect_update("PluginsS3ObjectVersion", "RequirementsS3ObjectVersion")
    report = stage.deploy()
    assert report.plugins.key == "airflow/plugins.zip"
    assert report.update == {
        "PluginsS3ObjectVersion": stage.current_version("airflow/plugins.zip"),
        "RequirementsS3ObjectVersion": stage.current_version("airflow/requirements.txt"),
    }
    assert report.dags.uploaded and all(key.startswith("airflow/dags/") for key in report.dags.uploaded)
    assert stage.dag_keys() == []  # nothing under the default dags/ folder


def test_an_environment_reading_a_bucket_the_deploy_role_may_not_write_is_refused_before_any_upload(
    stage: Stage, endpoint_url: str
) -> None:
    admin = client("s3", endpoint_url)
    elsewhere = versioned_bucket(admin, f"other-{uuid.uuid4().hex[:12]}")
    stage.environment(SourceBucketArn=f"arn:aws:s3:::{elsewhere}")
    with pytest.raises(ClientError) as denied:
        stage.deploy()
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert admin.list_objects_v2(Bucket=elsewhere)["KeyCount"] == 0
    with pytest.raises(ClientError, match="AccessDenied"):  # nor could it have written there
        stage.s3.put_object(Bucket=elsewhere, Key="dags/x.py", Body=b"")


def test_an_update_mwaa_refuses_fails_and_the_next_deploy_sends_it_again(stage: Stage) -> None:
    first = stage.first_deploy()
    stage.change_plugin()
    stage.environment(running=first)
    stage.stub.add_client_error("update_environment", "ValidationException", "environment is UPDATING")
    with pytest.raises(DeployError, match="run make deploy again"):
        stage.deploy()
    stage.environment(running=first)  # the environment still runs the old versions
    stage.expect_update("PluginsS3ObjectVersion")
    retried = stage.deploy()
    assert not retried.plugins.uploaded  # the failed deploy uploaded it already
    assert retried.update == {"PluginsS3ObjectVersion": retried.plugins.version_id}


def test_the_command_deploys_to_the_named_environment_and_says_what_it_did(
    stage: Stage, endpoint_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[tuple[str, str | None]] = []

    def clients_for(region: str, endpoint: str | None = None) -> Clients:
        asked.append((region, endpoint))
        return stage.clients

    monkeypatch.setattr("deploy.upload.aws_clients", clients_for)
    stage.no_environment()
    argv = ["--env", "dev", "--project", stage.target.project, "--region", "us-east-1"]
    assert main([*argv, "--endpoint-url", endpoint_url, "--dist", str(stage.dist)]) == 0
    assert asked == [("us-east-1", endpoint_url)]
    printed = capsys.readouterr().out
    assert (
        f"deploy: {stage.target.environment_name} (us-east-1), source bucket s3://{stage.bucket}" in printed
    )
    assert "plugins.zip: uploaded, version " in printed


def test_the_command_without_a_package_says_to_run_make_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--env", "dev", "--region", "us-east-1", "--dist", str(tmp_path / "empty")]) == 1
    assert "run make package first" in capsys.readouterr().err


def test_the_command_reports_an_aws_refusal_in_one_line(
    stage: Stage, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("deploy.upload.aws_clients", lambda region, endpoint=None: stage.clients)
    stage.stub.add_client_error("get_environment", "AccessDeniedException", "no", http_status_code=403)
    argv = [
        "--env",
        "dev",
        "--project",
        stage.target.project,
        "--region",
        "us-east-1",
        "--dist",
        str(stage.dist),
    ]
    assert main(argv) == 1
    said = capsys.readouterr().err
    assert said.startswith("deploy: error:") and "AccessDeniedException" in said
    assert "Traceback" not in said
