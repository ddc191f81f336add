# Glue databases for every layer and the bronze crawler lakehouse_daily starts
# (GlueCrawlerRunOperator), with the role it crawls as. Names, S3 targets and
# crawler settings come from lakehouse.json, i.e. from the same pipeline.yaml
# the DAG reads and the local endpoint is bootstrapped from.

resource "aws_glue_catalog_database" "layer" {
  for_each = var.databases

  name        = each.value
  description = "lakehouse ${each.key} layer"
}

resource "aws_glue_data_catalog_encryption_settings" "this" {
  # The catalog's encryption is a per-account, per-region setting that every
  # catalog user there depends on, so this stack sets it only when asked to, and
  # with the catalog key it never destroys, not the stack key destroy deletes.
  count = var.manage_encryption ? 1 : 0

  data_catalog_encryption_settings {
    connection_password_encryption {
      aws_kms_key_id                       = var.catalog_kms_key_arn
      return_connection_password_encrypted = true
    }

    encryption_at_rest {
      catalog_encryption_mode = "SSE-KMS"
      sse_aws_kms_key_id      = var.catalog_kms_key_arn
    }
  }
}

resource "aws_glue_security_configuration" "crawler" {
  name = "${var.name}-crawler"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.kms_key_arn
    }

    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.kms_key_arn
    }

    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.kms_key_arn
    }
  }
}

resource "aws_glue_crawler" "bronze" {
  name                   = var.crawler.name
  description            = var.crawler.description
  database_name          = aws_glue_catalog_database.layer["bronze"].name
  role                   = aws_iam_role.crawler.arn
  security_configuration = aws_glue_security_configuration.crawler.name
  configuration          = var.crawler.configuration

  dynamic "s3_target" {
    for_each = var.crawler.s3_targets

    content {
      path = s3_target.value
    }
  }

  schema_change_policy {
    update_behavior = var.crawler.update_behavior
    delete_behavior = var.crawler.delete_behavior
  }

  recrawl_policy {
    recrawl_behavior = var.crawler.recrawl_behavior
  }
}

data "aws_iam_policy_document" "crawler_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["glue.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

resource "aws_iam_role" "crawler" {
  name               = "${var.name}-bronze-crawler"
  assume_role_policy = data.aws_iam_policy_document.crawler_trust.json
}

locals {
  glue_arn   = "arn:${var.partition}:glue:${var.region}:${var.account_id}"
  lake_arn   = "arn:${var.partition}:s3:::${var.lake_bucket}"
  bronze_db  = aws_glue_catalog_database.layer["bronze"].name
  crawler_lg = "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:/aws-glue/crawlers-role/${aws_iam_role.crawler.name}-${aws_glue_security_configuration.crawler.name}"
}

data "aws_iam_policy_document" "crawler" {
  statement {
    sid       = "ReadBronze"
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${local.lake_arn}/bronze/*"]
  }

  statement {
    sid       = "ListBronze"
    effect    = "Allow"
    actions   = ["s3:ListBucket"]
    resources = [local.lake_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["bronze/*"]
    }
  }

  statement {
    sid    = "WriteBronzeTables"
    effect = "Allow"
    actions = [
      "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable",
      "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition",
      "glue:BatchCreatePartition", "glue:UpdatePartition", "glue:BatchUpdatePartition",
    ]
    resources = [
      "${local.glue_arn}:catalog",
      "${local.glue_arn}:database/${local.bronze_db}",
      "${local.glue_arn}:table/${local.bronze_db}/*",
    ]
  }

  statement {
    sid       = "CrawlerLogs"
    effect    = "Allow"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"]
    resources = [local.crawler_lg, "${local.crawler_lg}:*"]
  }

  statement {
    # The stack key for its logs and S3 writes; the catalog key, when there is
    # one, because reading or writing an encrypted catalog's tables needs it.
    sid       = "UseTheStackAndCatalogKeys"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = compact([var.kms_key_arn, var.catalog_kms_key_arn])
  }
}

resource "aws_iam_role_policy" "crawler" {
  name   = "crawl-bronze"
  role   = aws_iam_role.crawler.id
  policy = data.aws_iam_policy_document.crawler.json
}
