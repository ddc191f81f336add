# The MWAA environment that runs lakehouse_daily, its execution role (least
# privilege: named actions only, on this stack's buckets, databases, workgroup,
# crawler and secret prefix) and the Postgres connection's secret.
#
# `make deploy` uploads dags/, plugins.zip and requirements.txt and points the
# environment at new object versions; Terraform reads the versions present at
# creation and then leaves them to deploy (ignore_changes below).

data "aws_s3_object" "plugins" {
  bucket = var.source_bucket
  key    = "plugins.zip"
}

data "aws_s3_object" "requirements" {
  bucket = var.source_bucket
  key    = "requirements.txt"
}

resource "aws_mwaa_environment" "this" {
  name               = var.name
  airflow_version    = var.airflow_version
  environment_class  = var.environment_class
  min_workers        = var.min_workers
  max_workers        = var.max_workers
  execution_role_arn = aws_iam_role.execution.arn
  kms_key            = var.kms_key_arn

  source_bucket_arn              = var.source_bucket_arn
  dag_s3_path                    = "dags"
  plugins_s3_path                = data.aws_s3_object.plugins.key
  plugins_s3_object_version      = data.aws_s3_object.plugins.version_id
  requirements_s3_path           = data.aws_s3_object.requirements.key
  requirements_s3_object_version = data.aws_s3_object.requirements.version_id

  webserver_access_mode           = var.webserver_access_mode
  weekly_maintenance_window_start = "SUN:03:00"

  airflow_configuration_options = {
    "secrets.backend" = "airflow.providers.amazon.aws.secrets.secrets_manager.SecretsManagerBackend"
    "secrets.backend_kwargs" = jsonencode({
      connections_prefix = "${var.secrets_prefix}/connections"
      variables_prefix   = "${var.secrets_prefix}/variables"
    })
    "core.load_examples" = "false"
    # the name the DAG's notifications and metrics derive their topics and Environment dimension from
    "lakehouse.environment" = var.name
  }

  network_configuration {
    security_group_ids = [var.security_group_id]
    subnet_ids         = var.subnet_ids
  }

  logging_configuration {
    dag_processing_logs {
      enabled   = true
      log_level = "INFO"
    }

    scheduler_logs {
      enabled   = true
      log_level = "INFO"
    }

    task_logs {
      enabled   = true
      log_level = "INFO"
    }

    webserver_logs {
      enabled   = true
      log_level = "WARNING"
    }

    worker_logs {
      enabled   = true
      log_level = "WARNING"
    }
  }

  lifecycle {
    # make deploy moves these when plugins.zip or requirements.txt change.
    ignore_changes = [plugins_s3_object_version, requirements_s3_object_version]
  }
}

# The Postgres connection for the secrets backend. Terraform creates the secret
# but never its value: put it with
#   aws secretsmanager put-secret-value --secret-id <output postgres_secret_name> \
#     --secret-string 'postgresql://user:password@host:5432/dbname'
resource "aws_secretsmanager_secret" "postgres" {
  #checkov:skip=CKV2_AWS_57:The password belongs to the source database's owner, who rotates it there; a rotation Lambda here would need admin rights on their Postgres.
  name                    = "${var.secrets_prefix}/connections/${var.postgres_conn_id}"
  description             = "Airflow connection ${var.postgres_conn_id}: the source Postgres lakehouse_daily exports"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = 7
}
