"""The roles the local endpoint enforces are rendered from terraform/, not copied from it.

local/aws/iam_render.py evaluates terraform/'s HCL (local/aws/terraform_eval.py) with the local
stack's inputs. These tests prove the render carries the lake's real names, follows an edit of
the HCL, refuses what it cannot evaluate, and, where Terraform and the AWS provider are
installed, agrees with the provider's own rendering of the same module inputs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest
from hcl2.utils import SerializationOptions
from terraform_copies import terraform_without_statement

from lakehouse.metrics_names import NAMESPACE, TOPIC_SUFFIXES, topic_name
from local.aws.iam_render import (
    DEPLOY_ROLE,
    EXECUTION_ROLE,
    LOCAL_ACCOUNT_ID,
    LOCAL_REGION,
    TERRAFORM_DIR,
    deploy_role,
    execution_role,
    local_topics,
    local_variables,
    render_roles,
    render_topics,
)
from local.aws.terraform_eval import Evaluator, TerraformEvalError

LAKEHOUSE = json.loads((TERRAFORM_DIR / "lakehouse.json").read_text())
PLAIN = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)
PROVIDER_MIRROR = Path("/opt/tf-plugins")
PROVIDER = """
provider "aws" {
  region = "us-east-1"
}
"""


def hcl_statements(path: Path, document: str) -> list[dict[str, Any]]:
    """The statement blocks of a policy document as written in the HCL."""
    parsed = hcl2.loads(path.read_text(), serialization_options=PLAIN)
    (body,) = [
        e["aws_iam_policy_document"][document]
        for e in parsed["data"]
        if document in e.get("aws_iam_policy_document", {})
    ]
    return body["statement"]


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def by_sid(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {statement.get("Sid", str(i)): statement for i, statement in enumerate(policy["Statement"])}


def resources_of(policy: dict[str, Any]) -> set[str]:
    return {r for statement in policy["Statement"] for r in as_list(statement.get("Resource", []))}


def actions_of(policy: dict[str, Any]) -> set[str]:
    return {a for statement in policy["Statement"] for a in as_list(statement.get("Action", []))}


def write_root(directory: Path, files: dict[str, str]) -> Path:
    """A scratch root module: the given files plus a provider block saying the region."""
    for name, text in {"providers.tf": PROVIDER, **files}.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text)
    return directory


def test_every_role_of_every_instantiated_module_is_rendered_with_its_inline_policy() -> None:
    roles = render_roles(TERRAFORM_DIR, local_variables())

    assert set(roles) == {
        EXECUTION_ROLE,
        DEPLOY_ROLE,
        "module.catalog.aws_iam_role.crawler",
        "module.network.aws_iam_role.flow_logs",
    }
    assert all(len(role.inline_policies) == 1 and not role.managed_policy_arns for role in roles.values())


def test_the_execution_roles_policy_names_the_lakes_bucket_prefixes_workgroup_crawler_and_databases() -> None:
    role = execution_role()
    (policy,) = role.inline_policies.values()
    glue = f"arn:aws:glue:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}"
    bucket = f"arn:aws:s3:::{LAKEHOUSE['lake_bucket']}"
    resources = resources_of(policy)

    assert role.name == "airflow-lakehouse-local-mwaa-execution"
    assert role.arn == f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:role/{role.name}"
    assert bucket in resources
    assert {f"{bucket}/{prefix}*" for prefix in LAKEHOUSE["lake_prefixes"]} <= resources
    assert f"arn:aws:athena:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:workgroup/{LAKEHOUSE['workgroup']}" in resources
    assert f"{glue}:crawler/{LAKEHOUSE['crawler']['name']}" in resources
    for database in LAKEHOUSE["databases"].values():
        assert {f"{glue}:database/{database}", f"{glue}:table/{database}/*"} <= resources
    listing = by_sid(policy)["ListLakePrefixes"]["Condition"]["StringLike"]["s3:prefix"]
    assert listing == [f"{prefix}*" for prefix in LAKEHOUSE["lake_prefixes"]]


def test_the_execution_role_publishes_to_exactly_the_topics_terraform_declares() -> None:
    (policy,) = execution_role().inline_policies.values()
    topics = local_topics()
    grant = by_sid(policy)["PublishNotifications"]

    assert {topic.name for topic in topics.values()} == {
        topic_name("airflow-lakehouse-local", kind) for kind in TOPIC_SUFFIXES
    }
    assert grant["Action"] == "sns:Publish"
    assert set(as_list(grant["Resource"])) == {topic.arn for topic in topics.values()}
    assert [a for a in actions_of(policy) if a.startswith("sns:")] == ["sns:Publish"]
    metrics = by_sid(policy)["PutEnvironmentMetrics"]
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": NAMESPACE}}


def test_the_topics_follow_the_environment() -> None:
    topics = render_topics(TERRAFORM_DIR, {**local_variables(), "environment": "prod"})

    assert {topic.arn for topic in topics.values()} == {
        f"arn:aws:sns:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{topic_name('airflow-lakehouse-prod', kind)}"
        for kind in TOPIC_SUFFIXES
    }


def test_the_execution_roles_statements_are_iam_tfs_statements_with_their_actions() -> None:
    (policy,) = execution_role().inline_policies.values()
    written = hcl_statements(TERRAFORM_DIR / "modules/mwaa/iam.tf", "execution")

    assert list(by_sid(policy)) == [statement["sid"] for statement in written]
    for statement in written:
        assert set(as_list(by_sid(policy)[statement["sid"]]["Action"])) == set(statement["actions"])


def test_the_execution_role_trusts_mwaa_in_the_local_account_only() -> None:
    (statement,) = execution_role().trust_policy["Statement"]

    assert statement["Action"] == "sts:AssumeRole"
    assert set(statement["Principal"]["Service"]) == {"airflow.amazonaws.com", "airflow-env.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": LOCAL_ACCOUNT_ID}}


def test_removing_a_statement_from_iam_tf_removes_it_from_the_render(tmp_path: Path) -> None:
    copy = terraform_without_statement(tmp_path, "modules/mwaa/iam.tf", "RunTheBronzeCrawler")
    crawler = f"arn:aws:glue:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:crawler/{LAKEHOUSE['crawler']['name']}"
    (before,) = execution_role().inline_policies.values()

    (after,) = render_roles(copy, local_variables())[EXECUTION_ROLE].inline_policies.values()

    assert "RunTheBronzeCrawler" in by_sid(before)
    assert "RunTheBronzeCrawler" not in by_sid(after)
    assert crawler not in resources_of(after)
    assert not {"glue:StartCrawler", "glue:GetCrawler"} & actions_of(after)
    assert len(after["Statement"]) == len(before["Statement"]) - 1


def test_the_deploy_roles_policy_names_the_mwaa_bucket_and_the_environment() -> None:
    role = deploy_role()
    (policy,) = role.inline_policies.values()
    name = f"airflow-lakehouse-{local_variables()['environment']}"
    bucket = f"arn:aws:s3:::{name}-mwaa-{LOCAL_ACCOUNT_ID}"
    statements = by_sid(policy)

    assert role.name == f"{name}-github-deploy"
    assert set(as_list(statements["UploadDagsPluginsRequirements"]["Resource"])) == {bucket, f"{bucket}/*"}
    environment = f"arn:aws:airflow:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:environment/{name}"
    assert statements["PointTheEnvironmentAtNewVersions"]["Resource"] == environment
    assert statements["PassTheExecutionRoleToMwaa"]["Resource"] == execution_role().arn


def test_the_deploy_role_trusts_only_the_named_repositorys_environment() -> None:
    (statement,) = deploy_role().trust_policy["Statement"]
    variables = local_variables()

    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam::{LOCAL_ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
    }
    subject = f"repo:{variables['github_repository']}:environment:{variables['environment']}"
    assert statement["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"] == subject


def test_without_a_github_repository_the_deploy_module_has_no_instance_and_no_role() -> None:
    roles = render_roles(TERRAFORM_DIR, {**local_variables(), "github_repository": ""})

    assert DEPLOY_ROLE not in roles
    assert EXECUTION_ROLE in roles


def test_a_required_variable_left_unset_is_named() -> None:
    variables = {k: v for k, v in local_variables().items() if k != "environment"}

    with pytest.raises(TerraformEvalError, match="'environment' has no default"):
        render_roles(TERRAFORM_DIR, variables)


ROLE_MODULE = """
variable "name" {
  type = string
}

resource "aws_iam_role" "this" {
  name               = %s
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }
  }
}
"""


def role_root(directory: Path, name_expression: str, extra: str = "") -> Path:
    return write_root(
        directory,
        {
            "main.tf": 'module "thing" {\n  source = "./modules/thing"\n  name   = "x"\n}\n' + extra,
            "modules/thing/main.tf": ROLE_MODULE % name_expression,
        },
    )


def test_an_unsupported_function_raises_naming_the_resource_and_the_function(tmp_path: Path) -> None:
    root = role_root(tmp_path, "sha256(var.name)")

    with pytest.raises(TerraformEvalError, match=r"module\.thing\.aws_iam_role\.this\.name.*sha256"):
        render_roles(root, {})


def test_an_attribute_aws_assigns_raises_naming_the_resource(tmp_path: Path) -> None:
    policy = """
resource "aws_iam_role_policy" "uses_unique_id" {
  name   = "p"
  role   = module.thing.unique_id
  policy = "{}"
}
"""
    root = role_root(tmp_path, "var.name", policy)
    (root / "modules/thing/outputs.tf").write_text(
        'output "unique_id" {\n  value = aws_iam_role.this.unique_id\n}\n'
    )

    with pytest.raises(
        TerraformEvalError, match=r"'unique_id' of aws_iam_role.*module\.thing\.aws_iam_role\.this"
    ):
        render_roles(root, {})


def test_a_reference_cycle_raises_instead_of_recursing(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"main.tf": "locals {\n  a = local.b\n  b = local.a\n}\n"})

    with pytest.raises(TerraformEvalError, match="reference cycle"):
        Evaluator(root, account_id=LOCAL_ACCOUNT_ID).evaluate("local.a")


def test_a_count_of_one_gives_a_module_count_index_zero(tmp_path: Path) -> None:
    root = write_root(
        tmp_path,
        {
            "main.tf": 'module "m" {\n  count  = 1\n  source = "./m"\n  n      = "i${count.index}"\n}\n',
            "m/main.tf": 'variable "n" {}\noutput "n" {\n  value = var.n\n}\n',
        },
    )

    assert Evaluator(root, account_id=LOCAL_ACCOUNT_ID).evaluate("module.m[0].n") == "i0"


PROVIDER_FORMS = """
data "aws_iam_policy_document" "forms" {
  statement {
    actions   = ["s3:b", "s3:a", "s3:c", "s3:a", "ec2:Z"]
    resources = ["arn:x/<b>&", "arn:a"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    principals {
      type        = "Service"
      identifiers = ["b.amazonaws.com", "a.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["z/*", "a/*", "m/*"]
    }
    condition {
      test     = "StringLike"
      variable = "s3:other"
      values   = ["q"]
    }
  }
  statement {
    sid           = "Two"
    effect        = "Deny"
    not_actions   = ["s3:x"]
    not_resources = ["r1"]
    not_principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
  statement {
    sid       = "Three"
    actions   = ["s3:x"]
    resources = []
  }
}
"""

# What the AWS provider renders for PROVIDER_FORMS, as measured with Terraform and the provider.
PROVIDER_RENDERING = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
        "s3:c",
        "s3:b",
        "s3:a",
        "ec2:Z"
      ],
      "Resource": [
        "arn:x/\\u003cb\\u003e\\u0026",
        "arn:a"
      ],
      "Principal": {
        "AWS": "*",
        "Service": [
          "b.amazonaws.com",
          "a.amazonaws.com"
        ]
      },
      "Condition": {
        "StringLike": {
          "s3:other": "q",
          "s3:prefix": [
            "z/*",
            "a/*",
            "m/*"
          ]
        }
      }
    },
    {
      "Sid": "Two",
      "Effect": "Deny",
      "NotAction": "s3:x",
      "NotResource": "r1",
      "NotPrincipal": "*"
    },
    {
      "Sid": "Three",
      "Effect": "Allow",
      "Action": "s3:x"
    }
  ]
}"""


def test_a_policy_document_renders_as_the_aws_provider_renders_it(tmp_path: Path) -> None:
    root = write_root(tmp_path, {"main.tf": PROVIDER_FORMS})

    rendered = Evaluator(root, account_id=LOCAL_ACCOUNT_ID).evaluate(
        "data.aws_iam_policy_document.forms.json"
    )

    assert rendered == PROVIDER_RENDERING


# --- cross-check with Terraform and the AWS provider ----------------------------------------

# Inputs AWS assigns (subnet and security group ids): the evaluator refuses them, and the
# policies do not read them, so the scratch root passes stand-ins.
AWS_ASSIGNED = {"subnet_ids": ["subnet-0a", "subnet-0b"], "security_group_id": "sg-0a"}
CLI_CONFIG = """
provider_installation {
  filesystem_mirror {
    path    = "%s"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
"""
OFFLINE_PROVIDER = {
    "region": LOCAL_REGION,
    "access_key": "local",
    "secret_key": "local",
    "skip_credentials_validation": True,
    "skip_requesting_account_id": True,
    "skip_metadata_api_check": True,
    "skip_region_validation": True,
}


def semantic(policy: dict[str, Any]) -> dict[str, Any]:
    """A policy with every order IAM ignores taken out: statements by Sid, lists as sets."""

    def principal(value: Any) -> Any:
        return value if isinstance(value, str) else {k: frozenset(as_list(v)) for k, v in value.items()}

    def statement(s: dict[str, Any]) -> dict[str, Any]:
        normal = {
            k: frozenset(as_list(s[k])) for k in ("Action", "NotAction", "Resource", "NotResource") if k in s
        }
        normal |= {k: principal(s[k]) for k in ("Principal", "NotPrincipal") if k in s}
        conditions = s.get("Condition", {})
        normal["Condition"] = {
            t: {v: frozenset(as_list(x)) for v, x in c.items()} for t, c in conditions.items()
        }
        return {**normal, "Effect": s.get("Effect")}

    return {
        "Version": policy.get("Version"),
        "Statement": {k: statement(s) for k, s in by_sid(policy).items()},
    }


def provider_documents(plan: dict[str, Any]) -> dict[str, str]:
    """The json of every policy document the provider read while planning, by address."""
    found = {}
    pending = [plan["prior_state"]["values"]["root_module"]]
    while pending:
        module = pending.pop()
        pending += module.get("child_modules", [])
        for resource in module.get("resources", []):
            if resource["type"] == "aws_iam_policy_document":
                found[resource["address"]] = resource["values"]["json"]
    return found


def run_terraform(directory: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["terraform", *args], cwd=directory, env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert result.returncode == 0, f"terraform {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed on this machine")
@pytest.mark.skipif(not PROVIDER_MIRROR.is_dir(), reason=f"no AWS provider mirror at {PROVIDER_MIRROR}")
def test_terraform_renders_the_same_policies_from_the_same_module_inputs(tmp_path: Path) -> None:
    evaluator = Evaluator(TERRAFORM_DIR, local_variables(), account_id=LOCAL_ACCOUNT_ID)
    for name in AWS_ASSIGNED:
        with pytest.raises(TerraformEvalError):
            evaluator.module_arguments("module.mwaa", [name])
    mwaa = evaluator.module_arguments("module.mwaa", exclude=AWS_ASSIGNED)
    deploy = evaluator.module_arguments("module.github_deploy[0]")
    shutil.copytree(TERRAFORM_DIR / "modules", tmp_path / "modules")
    root = tmp_path / "root"
    root.mkdir()
    config = {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}},
        "provider": {"aws": OFFLINE_PROVIDER},
        "module": {
            "mwaa": {"source": "../modules/mwaa", **mwaa, **AWS_ASSIGNED},
            "github_deploy": {"source": "../modules/github_deploy", **deploy},
        },
    }
    (root / "main.tf.json").write_text(json.dumps(config).replace("${", "$${").replace("%{", "%%{"))
    (tmp_path / "cli.tfrc").write_text(CLI_CONFIG % PROVIDER_MIRROR)
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(tmp_path / "cli.tfrc"), "CHECKPOINT_DISABLE": "1"}
    env |= {"TF_IN_AUTOMATION": "1", "TF_DATA_DIR": str(tmp_path / ".terraform")}

    run_terraform(root, env, "init", "-backend=false", "-input=false", "-no-color")
    targets = [
        "-target=module.mwaa.aws_iam_role_policy.execution",
        "-target=module.github_deploy.aws_iam_role_policy.deploy",
    ]
    run_terraform(root, env, "plan", "-input=false", "-no-color", "-refresh=false", "-out=tfplan", *targets)
    documents = provider_documents(json.loads(run_terraform(root, env, "show", "-json", "tfplan")))

    ours = {
        "module.mwaa.data.aws_iam_policy_document.execution": execution_role().inline_policies[
            "lakehouse-daily"
        ],
        "module.mwaa.data.aws_iam_policy_document.execution_trust": execution_role().trust_policy,
        "module.github_deploy.data.aws_iam_policy_document.deploy": deploy_role().inline_policies[
            "make-deploy"
        ],
    }
    for address, policy in ours.items():
        assert semantic(json.loads(documents[address])) == semantic(policy), address
