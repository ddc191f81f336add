data "aws_iam_policy_document" "execution_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["airflow.amazonaws.com", "airflow-env.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-mwaa-execution"
  assume_role_policy = data.aws_iam_policy_document.execution_trust.json
}

locals {
  arn_prefix   = "arn:${var.partition}"
  glue_arn     = "${local.arn_prefix}:glue:${var.region}:${var.account_id}"
  log_groups   = "${local.arn_prefix}:logs:${var.region}:${var.account_id}:log-group:airflow-${var.name}-*"
  secrets_arns = "${local.arn_prefix}:secretsmanager:${var.region}:${var.account_id}:secret:${var.secrets_prefix}"
}

data "aws_iam_policy_document" "execution" {
  # What MWAA itself needs (AWS's documented execution-role policy, with every
  # wildcard action spelled out).
  statement {
    sid       = "PublishEnvironmentMetrics"
    effect    = "Allow"
    actions   = ["airflow:PublishMetrics"]
    resources = ["${local.arn_prefix}:airflow:${var.region}:${var.account_id}:environment/${var.name}"]
  }

  statement {
    sid    = "ReadDagsPluginsRequirements"
    effect = "Allow"
    actions = [
      "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions",
      "s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:GetBucketPublicAccessBlock",
      "s3:GetEncryptionConfiguration",
    ]
    resources = [var.source_bucket_arn, "${var.source_bucket_arn}/*"]
  }

  statement {
    sid    = "WriteEnvironmentLogs"
    effect = "Allow"
    actions = [
      "logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:GetLogEvents",
      "logs:GetLogRecord", "logs:GetLogGroupFields", "logs:GetQueryResults", "logs:DescribeLogGroups",
    ]
    resources = [local.log_groups, "${local.log_groups}:*"]
  }

  statement {
    sid       = "PutEnvironmentMetrics"
    effect    = "Allow"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData has no resource type; scoped by namespace instead

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }

  statement {
    sid    = "CeleryQueue"
    effect = "Allow"
    actions = [
      "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
      "sqs:ReceiveMessage", "sqs:SendMessage",
    ]
    # MWAA's Celery queue lives in an AWS-owned account, hence no account id.
    resources = ["${local.arn_prefix}:sqs:${var.region}:*:airflow-celery-*"]
  }

  statement {
    # The stack key for MWAA, the lake, Athena results and the secret; the
    # catalog key, when there is one, because the DAG's Glue calls and its
    # Athena queries (which read the catalog as this role) need it on an
    # encrypted catalog.
    sid       = "UseTheStackAndCatalogKeys"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey", "kms:Encrypt"]
    resources = compact([var.kms_key_arn, var.catalog_kms_key_arn])
  }

  # What lakehouse_daily does: export to the lake, crawl bronze, run Athena in
  # its workgroup over its databases, write reports, read its connection. Each
  # action is one its runs use against the local endpoint, which enforces this
  # policy, or one a named path or Athena itself needs on AWS
  # (tests/dags/test_lakehouse_daily.py lists which).
  statement {
    sid       = "ReadWriteLakePrefixes"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
    resources = [for prefix in var.lake.prefixes : "${var.lake.bucket_arn}/${prefix}*"]
  }

  statement {
    sid       = "ListLakePrefixes"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [var.lake.bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = [for prefix in var.lake.prefixes : "${prefix}*"]
    }
  }

  # Every export first aborts the multipart uploads a killed earlier try left
  # under its partition (plugins/lakehouse/export/multipart.py), which lists them.
  statement {
    sid       = "ListLakeUploads"
    effect    = "Allow"
    actions   = ["s3:ListBucketMultipartUploads"]
    resources = [var.lake.bucket_arn]
  }

  statement {
    sid       = "LocateLakeBucket"
    effect    = "Allow"
    actions   = ["s3:GetBucketLocation"]
    resources = [var.lake.bucket_arn]
  }

  statement {
    sid    = "AthenaResults"
    effect = "Allow"
    # DeleteObject: lakehouse_maintenance removes query results past their retention
    actions = [
      "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts", "s3:ListBucket", "s3:GetBucketLocation",
    ]
    resources = [var.lake.results_bucket_arn, "${var.lake.results_bucket_arn}/*"]
  }

  statement {
    sid    = "AthenaWorkgroup"
    effect = "Allow"
    actions = [
      "athena:StartQueryExecution", "athena:GetQueryExecution", "athena:BatchGetQueryExecution",
      "athena:GetQueryResults", "athena:StopQueryExecution",
    ]
    resources = [var.lake.workgroup_arn]
  }

  statement {
    sid    = "GlueCatalogOfTheLayers"
    effect = "Allow"
    actions = [
      "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
      "glue:DeleteTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition",
      "glue:BatchCreatePartition", "glue:BatchUpdatePartition", "glue:BatchDeletePartition",
    ]
    resources = concat(
      ["${local.glue_arn}:catalog"],
      [for db in var.lake.database_names : "${local.glue_arn}:database/${db}"],
      [for db in var.lake.database_names : "${local.glue_arn}:table/${db}/*"],
    )
  }

  statement {
    sid       = "RunTheBronzeCrawler"
    effect    = "Allow"
    actions   = ["glue:StartCrawler", "glue:GetCrawler"]
    resources = [var.lake.crawler_arn]
  }

  # The runs' notifications (a failed task, an audit's findings, a published
  # day's summary) go to the stack's topics; nothing else on them is granted.
  statement {
    sid       = "PublishNotifications"
    effect    = "Allow"
    actions   = ["sns:Publish"]
    resources = var.notification_topic_arns
  }

  statement {
    sid       = "ReadAirflowSecrets"
    effect    = "Allow"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = ["${local.secrets_arns}/connections/*", "${local.secrets_arns}/variables/*"]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "lakehouse-daily"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}
