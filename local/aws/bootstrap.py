"""Create the lake's AWS resources on the local endpoint: what Terraform creates on AWS.

Buckets, Glue databases, the Athena workgroup and the bronze crawler, all from
include/pipeline.yaml (through lakehouse.catalog_spec, which Terraform's inputs
come from too), the IAM roles Terraform gives MWAA, the crawler and the
deploy, with the policies rendered from terraform/ (iam_render.py), which the
endpoint then enforces, and the SNS topics terraform/ declares, which those
policies let the DAG publish to. Idempotent: a role's policies are put back to
what terraform/ says on every run. Used by `make up`, the tests, and docker-compose's
aws-init service:

    python -m local.aws.bootstrap --endpoint http://local-aws:4566
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .iam_render import RenderedRole, RenderedTopic

CRAWLER_ROLE = "module.catalog.aws_iam_role.crawler"


def create_roles(iam: Any, roles: Iterable[RenderedRole] | None = None) -> None:
    """Roles as rendered from terraform/ (by default every role it creates locally), with their
    trust policies and inline policies; a role that exists gets them put back."""
    from .iam_render import local_roles

    for role in local_roles().values() if roles is None else roles:
        trust = json.dumps(role.trust_policy)
        try:
            iam.create_role(RoleName=role.name, AssumeRolePolicyDocument=trust)
        except iam.exceptions.EntityAlreadyExistsException:
            iam.update_assume_role_policy(RoleName=role.name, PolicyDocument=trust)
        kept = set(role.inline_policies)
        for name in iam.list_role_policies(RoleName=role.name)["PolicyNames"]:
            if name not in kept:
                iam.delete_role_policy(RoleName=role.name, PolicyName=name)
        for name, policy in role.inline_policies.items():
            iam.put_role_policy(RoleName=role.name, PolicyName=name, PolicyDocument=json.dumps(policy))


def create_topics(sns: Any, topics: Iterable[RenderedTopic] | None = None) -> None:
    """The topics terraform/ declares (by default every one it creates locally). CreateTopic of a
    name that exists returns it, so this is idempotent; the KMS key is left out, as the endpoint
    does not model KMS."""
    from .iam_render import local_topics

    for topic in local_topics().values() if topics is None else topics:
        arn = sns.create_topic(Name=topic.name)["TopicArn"]
        if arn != topic.arn:
            raise RuntimeError(f"{topic.address}: the endpoint made {arn}, terraform/ says {topic.arn}")


def crawler_role_arn() -> str:
    from .iam_render import local_roles

    return local_roles()[CRAWLER_ROLE].arn


def bootstrap_aws(url: str) -> None:
    """Create what Terraform creates on AWS, from pipeline.yaml; idempotent."""
    import boto3

    from lakehouse.catalog_spec import buckets, crawler_spec, databases
    from lakehouse.config import pipeline_config

    config = pipeline_config()
    session = boto3.session.Session(
        aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    s3 = session.client("s3", endpoint_url=url)
    glue = session.client("glue", endpoint_url=url)
    athena = session.client("athena", endpoint_url=url)
    create_roles(session.client("iam", endpoint_url=url))
    create_topics(session.client("sns", endpoint_url=url))
    existing_buckets = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for bucket in buckets(config):
        if bucket not in existing_buckets:
            s3.create_bucket(Bucket=bucket)
    for database in databases(config):
        with contextlib.suppress(glue.exceptions.AlreadyExistsException):
            glue.create_database(DatabaseInput={"Name": database})
    with contextlib.suppress(athena.exceptions.InvalidRequestException):
        athena.create_work_group(
            Name=config.lake.workgroup,
            Configuration={
                "ResultConfiguration": {"OutputLocation": config.lake.athena_output},
                "EnforceWorkGroupConfiguration": True,
            },
        )
    spec = crawler_spec(config, crawler_role_arn())
    try:
        glue.get_crawler(Name=spec["Name"])
        glue.update_crawler(**spec)
    except glue.exceptions.EntityNotFoundException:
        glue.create_crawler(**spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m local.aws.bootstrap", description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint", required=True, help="the local AWS endpoint's URL")
    args = parser.parse_args(argv)
    bootstrap_aws(args.endpoint)
    print(f"lake resources ready on {args.endpoint}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
