"""The IAM roles terraform/ creates, rendered from the HCL for the local endpoint to enforce.

The endpoint must enforce what AWS would: the roles and policies terraform/ defines, with the
lake's real names, not a hand-kept copy that drifts from them. terraform_eval evaluates the
HCL; this module picks out the roles and the policies attached to them, and the SNS topics
those policies let the roles publish to, which bootstrap creates as it creates the roles.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .terraform_eval import Evaluator, TerraformEvalError

LOCAL_ACCOUNT_ID = "123456789012"  # moto's default account
LOCAL_REGION = "us-east-1"
TERRAFORM_DIR = Path(__file__).resolve().parents[2] / "terraform"

EXECUTION_ROLE = "module.mwaa.aws_iam_role.execution"
DEPLOY_ROLE = "module.github_deploy[0].aws_iam_role.deploy"

# Role arguments that attach policies in ways render_roles does not read: refusing them beats
# enforcing a role with fewer grants than AWS would give it.
_UNREAD_ROLE_ARGUMENTS = ("inline_policy", "managed_policy_arns")


@dataclass(frozen=True)
class RenderedRole:
    address: str  # e.g. "module.mwaa.aws_iam_role.execution"
    name: str
    arn: str
    trust_policy: dict[str, Any]  # assume_role_policy, parsed
    inline_policies: dict[str, dict[str, Any]]  # aws_iam_role_policy name -> parsed document
    managed_policy_arns: tuple[str, ...]  # from aws_iam_role_policy_attachment


def local_variables() -> dict[str, Any]:
    """The inputs the local stack renders with; a repository is named so the deploy role exists."""
    return {
        "environment": "local",
        "region": LOCAL_REGION,
        "postgres_cidr_blocks": ["127.0.0.1/32"],
        "github_repository": "local/airflow-lakehouse",
    }


def render_roles(
    terraform_dir: Path = TERRAFORM_DIR,
    variables: Mapping[str, Any] | None = None,
    account_id: str = LOCAL_ACCOUNT_ID,
) -> dict[str, RenderedRole]:
    """Every aws_iam_role of every instantiated module, by address, with the policies on it.

    ``variables=None`` means local_variables(); pass a mapping (even an empty one) to choose.
    """
    evaluator = Evaluator(
        terraform_dir, local_variables() if variables is None else variables, account_id=account_id
    )
    inline = _by_role(evaluator, "aws_iam_role_policy", "name", "policy")
    attached = _by_role(evaluator, "aws_iam_role_policy_attachment", None, "policy_arn")
    roles = {}
    for role in evaluator.instances("aws_iam_role"):
        unread = sorted(evaluator.configured(role) & set(_UNREAD_ROLE_ARGUMENTS))
        if unread:
            raise TerraformEvalError(f"{role.address}: {unread} are not rendered")
        name = evaluator.attribute(role, "name")
        roles[role.address] = RenderedRole(
            address=role.address,
            name=name,
            arn=evaluator.attribute(role, "arn"),
            trust_policy=json.loads(evaluator.argument(role, "assume_role_policy")),
            inline_policies={key: json.loads(doc) for key, doc in inline.get(name, [])},
            managed_policy_arns=tuple(arn for _, arn in attached.get(name, [])),
        )
    return roles


def _by_role(
    evaluator: Evaluator, type_: str, key: str | None, value: str
) -> dict[str, list[tuple[str | None, Any]]]:
    """Instances of a role-attached resource grouped by their `role` argument (a role name)."""
    grouped: dict[str, list[tuple[str | None, Any]]] = {}
    for instance in evaluator.instances(type_):
        label = evaluator.argument(instance, key) if key else None
        entry = (label, evaluator.argument(instance, value))
        grouped.setdefault(evaluator.argument(instance, "role"), []).append(entry)
    return grouped


@dataclass(frozen=True)
class RenderedTopic:
    address: str  # e.g. 'module.monitoring.aws_sns_topic.this["pipeline"]'
    name: str
    arn: str


def render_topics(
    terraform_dir: Path = TERRAFORM_DIR,
    variables: Mapping[str, Any] | None = None,
    account_id: str = LOCAL_ACCOUNT_ID,
) -> dict[str, RenderedTopic]:
    """Every aws_sns_topic of every instantiated module, by address."""
    evaluator = Evaluator(
        terraform_dir, local_variables() if variables is None else variables, account_id=account_id
    )
    return {
        topic.address: RenderedTopic(
            topic.address, evaluator.attribute(topic, "name"), evaluator.attribute(topic, "arn")
        )
        for topic in evaluator.instances("aws_sns_topic")
    }


@cache
def local_topics() -> dict[str, RenderedTopic]:
    """The topics as the local stack renders them (local_variables()), once per process."""
    return render_topics()


@cache
def local_roles() -> dict[str, RenderedRole]:
    """The roles as the local stack renders them (local_variables()), once per process."""
    return render_roles()


@cache
def execution_role() -> RenderedRole:
    """MWAA's execution role: what the DAG's tasks may do."""
    return local_roles()[EXECUTION_ROLE]


@cache
def deploy_role() -> RenderedRole:
    """The role GitHub's deploy workflow assumes: what `make deploy` may do."""
    return local_roles()[DEPLOY_ROLE]
