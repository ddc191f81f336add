"""terraform/: formatted, valid, zero failed checkov checks, and in agreement with the DAG's config.

No provider can be downloaded here, so `terraform plan` cannot run, and `terraform validate`
runs only where a provider mirror is installed; these tests read the HCL itself (python-hcl2,
and local/aws/terraform_eval.py where a value must be computed) and prove what matters to the
DAG: every name it depends on reaches Terraform from pipeline.yaml, metrics_names.py and
requirements.txt through the generated terraform/lakehouse.json, and every IAM grant names its
actions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
import pytest
import sqlglot
from figures import FIGURES
from hcl2.utils import SerializationOptions

from deploy.terraform_inputs import airflow_version, render
from lakehouse import metrics_names
from lakehouse.catalog_spec import crawler_spec
from lakehouse.config import pipeline_config
from local.aws.iam_render import LOCAL_ACCOUNT_ID, LOCAL_REGION, local_variables
from local.aws.terraform_eval import Evaluator

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
CHECKOV = REPO / ".local" / "tools" / "checkov" / "bin" / "checkov"
PLAIN = SerializationOptions(with_comments=False, explicit_blocks=False, strip_string_quotes=True)


@cache
def parsed(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        return hcl2.load(handle, serialization_options=PLAIN)


def tf_files() -> list[Path]:
    return sorted(TERRAFORM.rglob("*.tf"))


def blocks(kind: str, type_: str | None = None) -> list[tuple[Path, str, dict[str, Any]]]:
    """(file, name, body) of every `kind` block (resource, data, module, variable) in terraform/."""
    found = []
    for path in tf_files():
        for entry in parsed(path).get(kind, []):
            for key, value in entry.items():
                if kind in ("resource", "data"):
                    if type_ is None or key == type_:
                        found += [(path, f"{key}.{name}", body) for name, body in value.items()]
                else:
                    found.append((path, key, value))
    return found


def module_call(name: str) -> dict[str, Any]:
    (body,) = [body for _, key, body in blocks("module") if key == name]
    return body


def resource(path: Path, address: str) -> dict[str, Any]:
    (body,) = [body for file, key, body in blocks("resource") if file == path and key == address]
    return body


def test_terraform_files_are_formatted() -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed on this machine: `terraform fmt -check` not run")
    result = subprocess.run(
        [terraform, "fmt", "-check", "-recursive", "-diff", str(TERRAFORM)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"run `terraform fmt -recursive terraform`:\n{result.stdout}"


@pytest.mark.slow
def test_checkov_finds_no_failed_check_and_every_skip_says_why() -> None:
    if not CHECKOV.exists():
        pytest.skip(f"checkov is not installed at {CHECKOV} (`make checkov` installs it)")
    result = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            str(TERRAFORM),
            "--framework",
            "terraform",
            "--skip-download",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(result.stdout)
    results = report["results"]
    summary = report["summary"]
    FIGURES.append(
        f"checkov on terraform/: {summary['passed']} passed, {summary['failed']} failed,"
        f" {summary['skipped']} skipped"
    )
    failed = [f"{c['check_id']} {c['resource']} ({c['file_path']})" for c in results["failed_checks"]]
    assert failed == [], "checkov failed checks:\n" + "\n".join(failed)
    assert report["summary"]["passed"] > 200, "checkov checked almost nothing: did it parse terraform/?"
    assert report["summary"]["parsing_errors"] == 0
    unexplained = [
        check["check_id"]
        for check in results["skipped_checks"]
        if len(check["check_result"].get("suppress_comment", "")) < 20
    ]
    assert unexplained == [], f"skips without a justification: {unexplained}"


def test_the_generated_inputs_are_current_with_pipeline_yaml_and_requirements() -> None:
    assert (TERRAFORM / "lakehouse.json").read_text() == render(), "run `make terraform-inputs`"


def test_terraform_reads_the_generated_inputs_into_locals_not_variables() -> None:
    (locals_block,) = parsed(TERRAFORM / "locals.tf")["locals"]
    assert locals_block["lakehouse"] == '${jsondecode(file("${path.module}/lakehouse.json"))}'
    declared = {name for path, name, _ in blocks("variable") if path.parent == TERRAFORM}
    config_names = {
        "lake_bucket",
        "athena_results_bucket",
        "workgroup",
        "crawler",
        "databases",
        "airflow_version",
    }
    assert declared.isdisjoint(config_names), "a tfvars file must not be able to rename what the DAG uses"


def test_buckets_and_prefixes_are_the_ones_the_dag_writes() -> None:
    lake = pipeline_config().lake
    inputs = json.loads((TERRAFORM / "lakehouse.json").read_text())
    assert (inputs["lake_bucket"], inputs["athena_results_bucket"]) == (
        lake.bucket,
        lake.athena_results_bucket,
    )
    assert inputs["athena_output_location"] == lake.athena_output
    assert {"bronze/", "silver/", "gold/", f"{pipeline_config().quality.reports_prefix}/"} <= set(
        inputs["lake_prefixes"]
    )
    assert module_call("lake_bucket")["name"] == "${local.lakehouse.lake_bucket}"
    assert module_call("athena_results_bucket")["name"] == "${local.lakehouse.athena_results_bucket}"
    assert module_call("mwaa")["lake"]["prefixes"] == "${local.lakehouse.lake_prefixes}"
    assert module_call("athena")["output_location"] == "${local.lakehouse.athena_output_location}"


def test_databases_crawler_and_workgroup_are_the_ones_the_dag_uses() -> None:
    config = pipeline_config()
    inputs = json.loads((TERRAFORM / "lakehouse.json").read_text())
    assert inputs["databases"] == config.lake.databases.model_dump()
    spec = crawler_spec(config, role="any")
    assert inputs["crawler"]["name"] == config.lake.crawler
    assert inputs["crawler"]["s3_targets"] == [t["Path"] for t in spec["Targets"]["S3Targets"]]
    assert inputs["crawler"]["s3_targets"] == [
        config.lake.prefix("bronze", t.name) for t in config.source.tables
    ] + [config.lake.prefix("bronze", f"{t.name}__keys") for t in config.source.tables if t.hard_deletes]
    assert json.loads(inputs["crawler"]["configuration"]) == json.loads(spec["Configuration"])
    assert inputs["workgroup"] == config.lake.workgroup

    catalog = module_call("catalog")
    assert (catalog["databases"], catalog["crawler"]) == (
        "${local.lakehouse.databases}",
        "${local.lakehouse.crawler}",
    )
    assert module_call("athena")["workgroup"] == "${local.lakehouse.workgroup}"
    crawler = resource(TERRAFORM / "modules/catalog/main.tf", "aws_glue_crawler.bronze")
    assert crawler["name"] == "${var.crawler.name}"
    assert crawler["dynamic"][0]["s3_target"]["for_each"] == "${var.crawler.s3_targets}"
    assert crawler["configuration"] == "${var.crawler.configuration}"
    databases = resource(TERRAFORM / "modules/catalog/main.tf", "aws_glue_catalog_database.layer")
    assert databases["for_each"] == "${var.databases}"


def test_mwaa_runs_the_airflow_version_pinned_in_requirements_txt() -> None:
    pinned = airflow_version()
    assert json.loads((TERRAFORM / "lakehouse.json").read_text())["airflow_version"] == pinned
    assert module_call("mwaa")["airflow_version"] == "${local.lakehouse.airflow_version}"
    env = resource(TERRAFORM / "modules/mwaa/main.tf", "aws_mwaa_environment.this")
    assert env["airflow_version"] == "${var.airflow_version}"
    requirements = (REPO / "requirements.txt").read_text()
    assert re.search(r'^--constraint "/usr/local/airflow/dags/constraints.txt"$', requirements, re.M)


def test_mwaa_reads_the_postgres_connection_from_secrets_manager() -> None:
    env = resource(TERRAFORM / "modules/mwaa/main.tf", "aws_mwaa_environment.this")
    options = env["airflow_configuration_options"]
    assert options["secrets.backend"].endswith("secrets_manager.SecretsManagerBackend")
    assert 'connections_prefix = "${var.secrets_prefix}/connections"' in options["secrets.backend_kwargs"]
    secret = resource(TERRAFORM / "modules/mwaa/main.tf", "aws_secretsmanager_secret.postgres")
    assert secret["name"] == "${var.secrets_prefix}/connections/${var.postgres_conn_id}"
    assert module_call("mwaa")["postgres_conn_id"] == "${local.lakehouse.connections.postgres}"
    inputs = json.loads((TERRAFORM / "lakehouse.json").read_text())
    assert inputs["connections"]["postgres"] == pipeline_config().source.conn_id
    bodies = json.dumps([body for _, _, body in blocks("resource")])
    assert "secret_string" not in bodies, "no secret value may live in the repo"


def test_mwaa_runs_privately_with_every_log_enabled() -> None:
    env = resource(TERRAFORM / "modules/mwaa/main.tf", "aws_mwaa_environment.this")
    logging = env["logging_configuration"][0]
    assert set(logging) == {
        "dag_processing_logs",
        "scheduler_logs",
        "task_logs",
        "webserver_logs",
        "worker_logs",
    }
    assert all(entry[0]["enabled"] is True for entry in logging.values())
    (variable,) = [
        body
        for path, name, body in blocks("variable")
        if name == "mwaa_webserver_access_mode" and path.parent == TERRAFORM
    ]
    assert variable["default"] == "PRIVATE_ONLY"
    assert env["lifecycle"][0]["ignore_changes"] == [
        "${plugins_s3_object_version}",
        "${requirements_s3_object_version}",
    ] or env["lifecycle"][0]["ignore_changes"] == [
        "plugins_s3_object_version",
        "requirements_s3_object_version",
    ]


def test_every_analytics_query_becomes_a_named_query_in_the_gold_database() -> None:
    athena = module_call("athena")
    assert athena["named_queries_dir"] == "${path.module}/../include/sql/analytics"
    assert athena["named_queries_database"] == "${local.lakehouse.databases.gold}"
    analytics = sorted((REPO / "include/sql/analytics").glob("*.sql"))
    assert {p.stem for p in analytics} == {
        "monthly_revenue",
        "customer_ltv_by_segment",
        "product_revenue",
        "retention",
    }
    for path in analytics:
        statements = [s for s in sqlglot.parse(path.read_text(), read="athena") if s is not None]
        assert len(statements) == 1, f"{path.name}: one statement per named query"
        assert path.read_text().startswith("-- "), f"{path.name}: its first comment line is the description"


def as_list(value: str | list[str]) -> list[str]:
    """A literal list as it is; a for-expression (one string) as a list of one."""
    return value if isinstance(value, list) else [value]


def policy_statements() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path, address, body in blocks("data", "aws_iam_policy_document"):
        where = f"{path.relative_to(TERRAFORM)}:{address}"
        found += [(where, statement) for statement in body.get("statement", [])]
    return found


def test_no_iam_grant_uses_a_wildcard_action() -> None:
    statements = policy_statements()
    assert len(statements) > 20
    wildcards = [
        (where, statement.get("sid"), action)
        for where, statement in statements
        if statement.get("effect", "Allow") == "Allow"
        for action in statement["actions"]
        if "*" in action
    ]
    assert wildcards == []


def test_grants_on_every_resource_are_limited_by_a_condition_or_are_key_policies() -> None:
    loose = [
        (where, statement.get("sid"))
        for where, statement in policy_statements()
        if statement.get("effect", "Allow") == "Allow"
        and "*" in as_list(statement.get("resources", []))
        and not statement.get("condition")
        and "kms_key_policy" not in where
    ]
    assert loose == []


def test_the_execution_role_reaches_only_this_stacks_buckets_databases_workgroup_and_secrets() -> None:
    (body,) = [b for p, a, b in blocks("data", "aws_iam_policy_document") if a.endswith(".execution")]
    resources = [r for statement in body["statement"] for r in as_list(statement["resources"])]
    scoped = (
        "${var.source_bucket_arn}",
        "${var.lake.",
        "${local.log_groups}",
        "${local.glue_arn}:",
        "${local.secrets_arns}/",
        "${var.kms_key_arn}",
        "${compact([var.kms_key_arn, var.catalog_kms_key_arn])}",
        "${local.arn_prefix}:sqs:",
        "${local.arn_prefix}:airflow:",
        "${var.notification_topic_arns}",
    )
    # "*" alone is PutMetricData's, conditioned on MWAA's namespace (previous test).
    unscoped = [r for r in resources if r != "*" and not any(token in r for token in scoped)]
    assert unscoped == []


def root_local(name: str) -> str:
    (value,) = [
        entry[name]
        for path in tf_files()
        if path.parent == TERRAFORM
        for entry in parsed(path).get("locals", [])
        if name in entry
    ]
    return value


def policy_document(path: Path, address: str) -> dict[str, Any]:
    (body,) = [b for p, a, b in blocks("data", "aws_iam_policy_document") if p == path and a == address]
    return body


def test_account_wide_catalog_encryption_is_opt_in() -> None:
    # The setting is shared by every catalog user in the account and region:
    # this stack may take it over only when told to.
    root = {name: body for path, name, body in blocks("variable") if path.parent == TERRAFORM}
    assert root["manage_catalog_encryption"]["type"] == "bool"
    assert root["manage_catalog_encryption"]["default"] is False
    assert root["retained_catalog_kms_key_arn"]["default"] is None
    assert module_call("catalog")["manage_encryption"] == "${var.manage_catalog_encryption}"
    (settings,) = blocks("resource", "aws_glue_data_catalog_encryption_settings")
    assert settings[0] == TERRAFORM / "modules/catalog/main.tf"
    assert settings[2]["count"] == "${var.manage_encryption ? 1 : 0}"
    key = resource(TERRAFORM / "kms.tf", "aws_kms_key.catalog")
    assert key["count"] == "${var.manage_catalog_encryption ? 1 : 0}", "no undeletable key unless asked for"


def test_the_catalog_key_is_its_own_and_this_stack_can_never_schedule_its_deletion() -> None:
    settings = resource(
        TERRAFORM / "modules/catalog/main.tf", "aws_glue_data_catalog_encryption_settings.this"
    )["data_catalog_encryption_settings"][0]
    assert settings["encryption_at_rest"][0]["sse_aws_kms_key_id"] == "${var.catalog_kms_key_arn}"
    assert settings["connection_password_encryption"][0]["aws_kms_key_id"] == "${var.catalog_kms_key_arn}"
    assert module_call("catalog")["catalog_kms_key_arn"] == "${local.catalog_kms_key_arn}"
    catalog_key = root_local("catalog_kms_key_arn")
    assert "aws_kms_key.catalog[*].arn" in catalog_key
    assert "aws_kms_key.lakehouse" not in catalog_key, "the stack key is scheduled for deletion on destroy"

    key = resource(TERRAFORM / "kms.tf", "aws_kms_key.catalog")
    assert key["lifecycle"][0]["prevent_destroy"] is True
    assert key["enable_key_rotation"] is True
    stack_key = resource(TERRAFORM / "kms.tf", "aws_kms_key.lakehouse")
    assert "lifecycle" not in stack_key, "the stack key is the deletable one: nothing shared may use it"
    assert key["policy"] == "${data.aws_iam_policy_document.catalog_kms_key_policy.json}"
    policy = policy_document(TERRAFORM / "kms.tf", "aws_iam_policy_document.catalog_kms_key_policy")
    allowed = {a for s in policy["statement"] if s.get("effect", "Allow") == "Allow" for a in s["actions"]}
    assert "kms:ScheduleKeyDeletion" not in allowed
    assert {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:PutKeyPolicy"} <= allowed


CATALOG_DATA_ACTION = re.compile(r"^glue:(Batch)?(Get|Create|Update|Delete)(Database|Table|Partition)")


def test_every_role_that_reads_or_writes_the_catalog_can_use_the_catalog_key() -> None:
    # Glue and Athena read an encrypted catalog with the caller's credentials:
    # each such role needs these actions on the key (AWS Glue's encryption docs).
    needed = {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"}
    touching = {}
    for path, address, body in blocks("data", "aws_iam_policy_document"):
        if any(CATALOG_DATA_ACTION.match(a) for s in body["statement"] for a in s["actions"]):
            touching[f"{path.relative_to(TERRAFORM).as_posix()}:{address}"] = (path, body)
    assert set(touching) == {
        "modules/catalog/main.tf:aws_iam_policy_document.crawler",
        "modules/mwaa/iam.tf:aws_iam_policy_document.execution",
    }, "a new role reaches the catalog: grant it the catalog key too"
    for where, (path, body) in touching.items():
        granted = [
            s
            for s in body["statement"]
            if needed <= set(s["actions"]) and "var.catalog_kms_key_arn" in "".join(as_list(s["resources"]))
        ]
        assert granted, f"{where}: cannot use the catalog key"
        call = [b for _, _, b in blocks("module") if b["source"] == f"./modules/{path.parent.name}"]
        assert [c["catalog_kms_key_arn"] for c in call] == ["${local.catalog_kms_key_arn}"], where


def test_every_bucket_is_versioned_private_encrypted_and_tls_only() -> None:
    buckets = blocks("resource", "aws_s3_bucket")
    assert {path.relative_to(TERRAFORM).as_posix() for path, _, _ in buckets} == {
        "modules/bucket/main.tf",
        "access_logs.tf",
    }, "every bucket goes through modules/bucket (the access-log bucket is the one documented exception)"
    for path in (TERRAFORM / "modules/bucket/main.tf", TERRAFORM / "access_logs.tf"):
        kinds = {address.split(".")[0]: body for file, address, body in blocks("resource") if file == path}
        assert kinds["aws_s3_bucket_versioning"]["versioning_configuration"][0]["status"] == "Enabled"
        block = kinds["aws_s3_bucket_public_access_block"]
        assert all(
            block[k] is True
            for k in (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
        )
        assert "aws_s3_bucket_server_side_encryption_configuration" in kinds
        assert "aws_s3_bucket_lifecycle_configuration" in kinds
        denies = [
            s
            for _, a, b in blocks("data", "aws_iam_policy_document")
            for s in b["statement"]
            if s.get("effect") == "Deny" and s["condition"][0]["variable"] == "aws:SecureTransport"
        ]
        assert denies, f"{path.name}: no TLS-only bucket policy"
    sse = resource(
        TERRAFORM / "modules/bucket/main.tf", "aws_s3_bucket_server_side_encryption_configuration.this"
    )
    assert sse["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] == "aws:kms"
    assert {module_call(m)["source"] for m in ("lake_bucket", "athena_results_bucket", "mwaa_bucket")} == {
        "./modules/bucket"
    }


def test_every_variable_is_described_and_root_inputs_are_validated() -> None:
    undescribed = [
        f"{p.relative_to(TERRAFORM)}:{n}" for p, n, b in blocks("variable") if not b.get("description")
    ]
    assert undescribed == []
    root = {name: body for path, name, body in blocks("variable") if path.parent == TERRAFORM}
    unchecked = [
        n for n, b in root.items() if "validation" not in b and b["type"] not in ("bool", "${map(string)}")
    ]
    assert unchecked == []


def test_the_example_tfvars_sets_only_declared_variables_and_every_required_one() -> None:
    example = parsed(TERRAFORM / "dev.tfvars.example")
    root = {name: body for path, name, body in blocks("variable") if path.parent == TERRAFORM}
    assert set(example) <= set(root)
    required = {name for name, body in root.items() if "default" not in body}
    assert required <= set(example), f"dev.tfvars.example lacks {required - set(example)}"
    assert example["environment"] == "dev"


# --- monitoring: topics, dashboard, alarms, budget, cost-allocation tags -------------------------

MONITORING = TERRAFORM / "modules/monitoring/main.tf"
PROVIDER_MIRROR = Path("/opt/tf-plugins")


@cache
def local_evaluator() -> Evaluator:
    """terraform/ evaluated with the local stack's inputs, for values only a computation shows."""
    return Evaluator(TERRAFORM, local_variables(), account_id=LOCAL_ACCOUNT_ID)


def test_the_metric_names_and_topics_reach_terraform_from_metrics_names() -> None:
    inputs = json.loads((TERRAFORM / "lakehouse.json").read_text())
    assert inputs["monitoring"] == metrics_names.terraform_inputs()
    assert module_call("monitoring")["monitoring"] == "${local.lakehouse.monitoring}"
    assert module_call("mwaa")["metrics_namespace"] == "${local.lakehouse.monitoring.namespace}"
    topics = resource(MONITORING, "aws_sns_topic.this")
    assert topics["for_each"] == "${var.monitoring.topics}"
    assert topics["name"] == "${var.name}-${each.value}"
    assert module_call("monitoring")["name"] == "${local.name}"


def test_the_topics_are_encrypted_with_the_stack_key_which_their_publishing_services_may_use() -> None:
    topics = resource(MONITORING, "aws_sns_topic.this")
    assert topics["kms_master_key_id"] == "${var.kms_key_arn}"
    assert module_call("monitoring")["kms_key_arn"] == "${aws_kms_key.lakehouse.arn}"
    policy = policy_document(TERRAFORM / "kms.tf", "aws_iam_policy_document.kms_key_policy")
    by_service = {
        identifier: set(statement["actions"])
        for statement in policy["statement"]
        for principal in statement.get("principals", [])
        if principal["type"] == "Service"
        for identifier in principal["identifiers"]
    }
    for service in ("cloudwatch.amazonaws.com", "budgets.amazonaws.com", "sns.amazonaws.com"):
        assert {"kms:Decrypt", "kms:GenerateDataKey"} <= by_service[service], service


def test_alarms_and_budgets_may_publish_to_their_topics_for_this_account_only() -> None:
    evaluator = local_evaluator()

    def publishers(kind: str) -> dict[str, dict[str, Any]]:
        rendered = evaluator.evaluate(
            f'data.aws_iam_policy_document.topic["{kind}"].json', "module.monitoring"
        )
        return {
            s["Principal"]["Service"]: s["Condition"]
            for s in json.loads(rendered)["Statement"]
            if s["Effect"] == "Allow"
        }

    account = LOCAL_ACCOUNT_ID
    assert publishers("pipeline") == {
        "cloudwatch.amazonaws.com": {
            "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:{LOCAL_REGION}:{account}:alarm:*"},
            "StringEquals": {"aws:SourceAccount": account},
        }
    }
    assert publishers("cost") == {
        "budgets.amazonaws.com": {
            "ArnLike": {"aws:SourceArn": f"arn:aws:budgets::{account}:*"},
            "StringEquals": {"aws:SourceAccount": account},
        }
    }
    assert publishers("quality") == {}


def test_the_execution_role_may_publish_to_the_topics_and_do_nothing_else_with_sns() -> None:
    body = policy_document(TERRAFORM / "modules/mwaa/iam.tf", "aws_iam_policy_document.execution")
    sns = [s for s in body["statement"] if any(a.startswith("sns:") for a in s["actions"])]
    assert [(s["sid"], s["actions"], s["resources"]) for s in sns] == [
        ("PublishNotifications", ["sns:Publish"], "${var.notification_topic_arns}")
    ]
    assert module_call("mwaa")["notification_topic_arns"] == "${values(module.monitoring.topic_arns)}"
    outputs = parsed(TERRAFORM / "modules/monitoring/outputs.tf")["output"]
    (topic_arns,) = [o["topic_arns"] for o in outputs if "topic_arns" in o]
    assert topic_arns["value"] == "${{for kind, topic in aws_sns_topic.this : kind => topic.arn}}"


def test_the_dashboard_graphs_every_metric_the_runs_put() -> None:
    dashboard = resource(MONITORING, "aws_cloudwatch_dashboard.pipeline")
    assert dashboard["dashboard_body"] == "${jsonencode({widgets = local.widgets})}"
    widgets = local_evaluator().evaluate("local.widgets", "module.monitoring")
    graphed = json.dumps(widgets)
    environment = "airflow-lakehouse-local"
    for metric in metrics_names.METRICS.values():
        if len(metric.dimensions) == 1:
            assert [metrics_names.NAMESPACE, metric.name, "Environment", environment] in [
                line for w in widgets for line in w["properties"]["metrics"]
            ], metric.name
        else:
            search = (
                f"SEARCH('{{{metrics_names.NAMESPACE},{','.join(metric.dimensions)}}} "
                f'MetricName="{metric.name}" Environment="{environment}"\', '
                f"'{metric.statistic}', 86400)"
            )
            assert json.dumps(search)[1:-1] in graphed, metric.name
    assert all(w["properties"]["region"] == LOCAL_REGION for w in widgets)


def test_alarms_on_failed_runs_and_freshness_notify_the_pipeline_topic() -> None:
    evaluator = local_evaluator()
    environment = "airflow-lakehouse-local"
    pipeline_topic = metrics_names.topic_arn(
        environment, metrics_names.PIPELINE_TOPIC, LOCAL_REGION, LOCAL_ACCOUNT_ID
    )
    alarms = {
        instance.address: {
            name: evaluator.argument(instance, name)
            for name in ("namespace", "metric_name", "dimensions", "alarm_actions", "treat_missing_data")
        }
        for instance in evaluator.instances("aws_cloudwatch_metric_alarm")
    }

    watched = {"namespace": metrics_names.NAMESPACE, "dimensions": {"Environment": environment}}
    assert alarms == {
        "module.monitoring.aws_cloudwatch_metric_alarm.failed_runs": {
            **watched,
            "metric_name": metrics_names.RUNS_FAILED.name,
            "alarm_actions": [pipeline_topic],
            "treat_missing_data": "notBreaching",
        },
        "module.monitoring.aws_cloudwatch_metric_alarm.freshness": {
            **watched,
            "metric_name": metrics_names.DATA_FRESHNESS.name,
            "alarm_actions": [pipeline_topic],
            "treat_missing_data": "breaching",  # a pipeline that reports nothing is stale too
        },
    }


def test_the_budget_counts_this_stacks_costs_and_alerts_the_cost_topic() -> None:
    budget = resource(MONITORING, "aws_budgets_budget.stack")
    assert budget["budget_type"] == "COST"
    assert budget["limit_amount"] == '${format("%.2f", var.budget_limit_usd)}'
    assert module_call("monitoring")["budget_limit_usd"] == "${var.monthly_budget_usd}"
    assert budget["cost_filter"][0]["name"] == "TagKeyValue"
    assert budget["cost_filter"][0]["values"] == [
        '${format("user:Stack$%s", var.cost_allocation_tags["Stack"])}'
    ]
    notified = [n["subscriber_sns_topic_arns"] for n in budget["notification"]]
    assert notified == [['${aws_sns_topic.this["cost"].arn}']] * 2
    assert {n["notification_type"] for n in budget["notification"]} == {"ACTUAL", "FORECASTED"}


def test_every_resource_carries_the_cost_allocation_tags() -> None:
    providers = [
        (path, body)
        for path in tf_files()
        for entry in parsed(path).get("provider", [])
        for body in entry.values()
    ]
    assert [path.name for path, _ in providers] == ["providers.tf"], (
        "one provider: every resource gets its tags"
    )
    (provider,) = [body for _, body in providers]
    assert "alias" not in provider
    default_tags = provider["default_tags"][0]["tags"]
    # later arguments of merge win: var.tags cannot override the cost-allocation tags
    assert default_tags == '${merge(var.tags, local.cost_allocation_tags, {ManagedBy = "terraform"})}'
    tags = local_evaluator().evaluate("local.cost_allocation_tags")
    assert tags == {
        "Project": "airflow-lakehouse",
        "Environment": "local",
        "Stack": "airflow-lakehouse-local",
    }
    assert module_call("monitoring")["cost_allocation_tags"] == "${local.cost_allocation_tags}"
    overriding = [
        address
        for _, address, body in blocks("resource")
        if isinstance(body.get("tags"), dict) and set(body["tags"]) & set(tags)
    ]
    assert overriding == []
    activation = resource(MONITORING, "aws_ce_cost_allocation_tag.this")
    assert activation["for_each"] == "${var.activate_cost_allocation_tags ? var.cost_allocation_tags : {}}"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed on this machine")
@pytest.mark.skipif(not PROVIDER_MIRROR.is_dir(), reason=f"no AWS provider mirror at {PROVIDER_MIRROR}")
def test_terraform_validates_with_the_aws_provider_from_the_mirror(tmp_path: Path) -> None:
    """`terraform validate` of a copy whose provider constraint admits the mirror's version: the
    mirror holds one AWS provider, not necessarily of the major version versions.tf asks for."""
    mirrored = sorted(p.name for p in (PROVIDER_MIRROR / "registry.terraform.io/hashicorp/aws").iterdir())
    copy = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, copy, ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "*.tfvars"))
    versions = copy / "versions.tf"
    constrained, count = re.subn(
        r'^(\s+version\s+=\s+)"[^"]+"', rf'\g<1>"{mirrored[-1]}"', versions.read_text(), flags=re.M
    )
    assert count == 1
    versions.write_text(constrained)
    (tmp_path / "cli.tfrc").write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{PROVIDER_MIRROR}"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(tmp_path / "cli.tfrc"), "CHECKPOINT_DISABLE": "1"}
    env |= {"TF_IN_AUTOMATION": "1", "TF_DATA_DIR": str(tmp_path / ".terraform")}
    for args in (["init", "-backend=false", "-input=false"], ["validate"]):
        result = subprocess.run(
            ["terraform", *args, "-no-color"],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode == 0, f"terraform {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
