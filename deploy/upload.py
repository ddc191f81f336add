"""`make deploy ENV=dev`: dist/ into the source bucket, and an environment update only if needed.

The order matters: the dags folder first (it holds constraints.txt, which a
new requirements.txt names), then plugins.zip and requirements.txt, then the
update that makes MWAA read their new versions. Each step compares before it
writes, so a deploy that failed half-way is finished by running it again.

Usage: python -m deploy.upload --env dev [--project P] [--region R] [--endpoint-url URL] [--dist DIR]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from deploy.digest import sha256_file
from deploy.layout import CONSTRAINTS, DAGS, DIST, PLUGINS_ZIP, REQUIREMENTS
from deploy.mwaa import Environment, SourceLocation, environment_update, find_environment
from deploy.s3sync import FolderSync, ObjectPut, SyncError, check_bucket, put_if_changed, sync_folder
from deploy.target import Target, TargetError, resolve_target

CONSTRAINTS_SHA256 = "constraints-sha256"
_LISTED = 20  # keys listed one by one up to this many


class DeployError(Exception):
    """The deploy cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Clients:
    s3: Any
    sts: Any
    mwaa: Any


def aws_clients(region: str, endpoint_url: str | None = None) -> Clients:
    """boto3 clients; `endpoint_url` serves S3 and STS only (the local endpoint has no MWAA API)."""
    session = boto3.Session(region_name=region)
    return Clients(
        s3=session.client("s3", endpoint_url=endpoint_url),
        sts=session.client("sts", endpoint_url=endpoint_url),
        mwaa=session.client("mwaa"),
    )


@dataclass(frozen=True)
class DeployReport:
    """What a deploy did; `update` holds update_environment's arguments, empty when none was made."""

    target: Target
    location: SourceLocation
    environment: Environment | None
    dags: FolderSync
    plugins: ObjectPut
    requirements: ObjectPut
    update: dict[str, str]

    def lines(self) -> list[str]:
        dags_prefix = f"s3://{self.location.bucket}/{self.location.dags_path}/"
        lines = [
            f"deploy: {self.target.environment_name} ({self.target.region}), "
            f"source bucket s3://{self.location.bucket}",
            f"  {dags_prefix}: {len(self.dags.uploaded)} uploaded, "
            f"{len(self.dags.unchanged)} unchanged, {len(self.dags.deleted)} deleted",
        ]
        for verb, keys in (("uploaded", self.dags.uploaded), ("deleted", self.dags.deleted)):
            lines += [f"    {verb} {key}" for key in keys[:_LISTED]]
            if len(keys) > _LISTED:
                lines.append(f"    ... and {len(keys) - _LISTED} more {verb}")
        for put in (self.plugins, self.requirements):
            state = "uploaded" if put.uploaded else "unchanged"
            lines.append(f"  {put.key}: {state}, version {put.version_id}")
        lines.append(f"  environment: {self._environment_line()}")
        return lines

    def _environment_line(self) -> str:
        if self.environment is None:
            return (
                f"{self.target.environment_name} does not exist yet: terraform apply will create it "
                f"from {self.plugins.key} version {self.plugins.version_id} and "
                f"{self.requirements.key} version {self.requirements.version_id}"
            )
        if not self.update:
            return "unchanged: it already runs these plugins and requirements versions (no update made)"
        sent = ", ".join(f"{name}={value}" for name, value in self.update.items())
        return f"updated ({sent}); MWAA now restarts its containers, which takes 20-30 minutes"


def check_dist(dist: Path) -> None:
    missing = [name for name in (DAGS, PLUGINS_ZIP, REQUIREMENTS) if not (dist / name).exists()]
    if missing:
        raise DeployError(f"{dist} lacks {', '.join(missing)}: run make package first")


def deploy(dist: Path, target: Target, clients: Clients) -> DeployReport:
    """Upload what changed in `dist` and update the MWAA environment if its pinned versions moved."""
    check_dist(dist)
    environment = find_environment(clients.mwaa, target.environment_name)
    if environment is None:
        account = clients.sts.get_caller_identity()["Account"]
        location = SourceLocation(bucket=target.default_bucket(account))
    else:
        location = environment.source
    check_bucket(clients.s3, location.bucket)

    dags = sync_folder(clients.s3, location.bucket, location.dags_path, dist / DAGS)
    plugins = put_if_changed(clients.s3, location.bucket, location.plugins_path, dist / PLUGINS_ZIP)
    # requirements.txt is only as fixed as the lock it names: a new lock is a new
    # version, so that MWAA reinstalls rather than mixing old and new pins
    requirements = put_if_changed(
        clients.s3,
        location.bucket,
        location.requirements_path,
        dist / REQUIREMENTS,
        extra_metadata={CONSTRAINTS_SHA256: sha256_file(dist / DAGS / CONSTRAINTS)},
    )

    update: dict[str, str] = {}
    if environment is not None:
        update = environment_update(environment, plugins.version_id, requirements.version_id)
        if update:
            try:
                clients.mwaa.update_environment(Name=environment.name, **update)
            except ClientError as error:
                raise DeployError(
                    f"update_environment({environment.name}) failed while it was {environment.status}: "
                    f"{error}; the objects are uploaded, run make deploy again once it is AVAILABLE"
                ) from error
    return DeployReport(target, location, environment, dags, plugins, requirements, update)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.upload", description=__doc__.splitlines()[0])
    parser.add_argument("--env", required=True, help="the Terraform environment (dev, prod)")
    parser.add_argument("--project", help="default: terraform/<env>.tfvars, else airflow-lakehouse")
    parser.add_argument("--region", help="default: terraform/<env>.tfvars, else AWS_REGION")
    parser.add_argument("--endpoint-url", help="S3 and STS endpoint (the local AWS endpoint, tests)")
    parser.add_argument("--dist", type=Path, default=DIST, help=f"what make package built (default {DIST})")
    args = parser.parse_args(argv)
    try:
        target = resolve_target(args.env, project=args.project, region=args.region)
        report = deploy(args.dist, target, aws_clients(target.region, args.endpoint_url))
    except (TargetError, SyncError, DeployError) as error:
        print(f"deploy: error: {error}", file=sys.stderr)
        return 1
    except NoCredentialsError:
        print("deploy: error: no AWS credentials (in CI the workflow assumes a role)", file=sys.stderr)
        return 1
    except (ClientError, BotoCoreError) as error:  # denied, unreachable...: the cause, no traceback
        print(f"deploy: error: {error}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
