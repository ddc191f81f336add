"""Which MWAA environment a deploy goes to, named as the Terraform in terraform/ names it.

Terraform's variables are `project`, `environment` and `region`; the
environment is "<project>-<environment>" and its source bucket
"<project>-<environment>-mwaa-<account id>". Deploy reads the same
terraform/<env>.tfvars Terraform does, so the two cannot drift apart; flags
override it, and without it the region comes from the AWS environment
variables (what aws-actions/configure-aws-credentials sets in CI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

from deploy.layout import REPO_ROOT

DEFAULT_PROJECT = "airflow-lakehouse"
TERRAFORM_DIR = REPO_ROOT / "terraform"
# lowercase, digits and hyphens: the names end up in an S3 bucket name
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class TargetError(Exception):
    """The deploy target cannot be worked out; the message says what to pass."""


@dataclass(frozen=True)
class Target:
    project: str
    environment: str
    region: str

    @property
    def environment_name(self) -> str:
        return f"{self.project}-{self.environment}"

    def default_bucket(self, account_id: str) -> str:
        """The source bucket Terraform creates, used while the environment does not exist yet."""
        return f"{self.project}-{self.environment}-mwaa-{account_id}"


def read_tfvars(path: Path) -> dict[str, Any]:
    """A .tfvars file's values, strings unquoted."""
    options = SerializationOptions(strip_string_quotes=True, with_comments=False)
    return hcl2.loads(path.read_text(), serialization_options=options)


def _checked(kind: str, value: str) -> str:
    if not _NAME.match(value):
        raise TargetError(f"{kind} {value!r} must be lowercase letters, digits and hyphens")
    return value


def resolve_target(
    environment: str,
    *,
    project: str | None = None,
    region: str | None = None,
    terraform_dir: Path = TERRAFORM_DIR,
    env: Mapping[str, str] | None = None,
) -> Target:
    """Flags first, then terraform/<environment>.tfvars, then defaults and AWS_REGION/AWS_DEFAULT_REGION."""
    env = os.environ if env is None else env
    tfvars_path = terraform_dir / f"{environment}.tfvars"
    tfvars = read_tfvars(tfvars_path) if tfvars_path.is_file() else {}
    project = project or tfvars.get("project") or DEFAULT_PROJECT
    region = region or tfvars.get("region") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        raise TargetError(f"no region: pass --region, set region in {tfvars_path}, or set AWS_REGION")
    return Target(
        project=_checked("project", str(project)),
        environment=_checked("environment", environment),
        region=str(region),
    )
