# One customer-managed key for the stack: S3 objects, the crawler's output and
# logs, Athena results, MWAA, CloudWatch log groups, the Postgres secret and the
# SNS topics. IAM policies in this account grant its use (the account statement
# delegates to IAM); services are named here only where they use the key as
# themselves: CloudWatch Logs for log groups, CloudWatch alarms and AWS Budgets
# publishing to the encrypted topics, SNS delivering to encrypted subscribers. `terraform destroy` schedules its deletion, so nothing outside this
# stack may depend on it: the account's Glue catalog has a key of its own below.

data "aws_iam_policy_document" "kms_key_policy" {
  #checkov:skip=CKV_AWS_111:A key policy's resource "*" is the key itself; write actions are limited to this account.
  #checkov:skip=CKV_AWS_356:A key policy's resource "*" is the key itself, not every resource.
  #checkov:skip=CKV_AWS_109:A key policy's resource "*" is the key itself; only this account administers it.
  statement {
    sid    = "AccountAdministersAndDelegatesToIam"
    effect = "Allow"
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias",
      "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey",
      "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases",
      "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy",
      "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource",
      "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
    ]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid    = "CloudWatchLogsEncryptsThisAccountsLogGroups"
    effect = "Allow"
    actions = [
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
    ]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "Service"
      identifiers = ["logs.${var.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
    }
  }

  # An encrypted topic takes a message from a service only if that service may
  # use the topic's key (SNS's encryption docs). Which alarms and budgets may
  # publish at all is the topic policies' say (modules/monitoring).
  statement {
    sid       = "CloudWatchAlarmsPublishToEncryptedTopics"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
  }

  statement {
    sid       = "BudgetsPublishToEncryptedTopics"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "Service"
      identifiers = ["budgets.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:budgets::${local.account_id}:*"]
    }
  }

  statement {
    sid       = "SnsDeliversThisAccountsTopics"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "lakehouse" {
  description             = "${local.name}: lake, crawler, Athena results, MWAA, logs, secrets and topics"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = data.aws_iam_policy_document.kms_key_policy.json
}

resource "aws_kms_alias" "lakehouse" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.lakehouse.key_id
}

# The Glue Data Catalog's encryption is one setting per account and region, so
# the key behind it serves every catalog user there, not only this stack: losing
# it loses their catalog, and metadata written while the setting was on stays
# encrypted with it even after the setting is turned off. Hence a key of its own,
# only when manage_catalog_encryption is on, that Terraform refuses to destroy
# and whose policy does not even allow scheduling its deletion: removing it takes
# a deliberate `terraform state rm` and a key policy edit (terraform/README.md).

data "aws_iam_policy_document" "catalog_kms_key_policy" {
  #checkov:skip=CKV_AWS_111:A key policy's resource "*" is the key itself; write actions are limited to this account.
  #checkov:skip=CKV_AWS_356:A key policy's resource "*" is the key itself, not every resource.
  #checkov:skip=CKV_AWS_109:A key policy's resource "*" is the key itself; only this account administers it.
  statement {
    sid    = "AccountAdministersAndDelegatesToIamButCannotDeleteIt"
    effect = "Allow"
    # The stack key's administration and use, less kms:ScheduleKeyDeletion.
    actions = [
      "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias",
      "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey",
      "kms:EnableKeyRotation", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListAliases",
      "kms:ListGrants", "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy",
      "kms:RetireGrant", "kms:RevokeGrant", "kms:TagResource",
      "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
    ]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "catalog" {
  count = var.manage_catalog_encryption ? 1 : 0

  description         = "${local.name}: the account's Glue Data Catalog in ${var.region} (kept when the stack is destroyed)"
  enable_key_rotation = true
  # Only reached if someone lifts prevent_destroy: then the longest wait AWS allows.
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.catalog_kms_key_policy.json

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "catalog" {
  count = var.manage_catalog_encryption ? 1 : 0

  name          = "alias/${local.name}-glue-catalog"
  target_key_id = aws_kms_key.catalog[0].key_id
}

locals {
  # The key the catalog is (or, after turning manage_catalog_encryption off, was)
  # encrypted with: every role of this stack that reads or writes the catalog
  # may use it. Null when there is none; never the stack key above.
  catalog_kms_key_arn = var.manage_catalog_encryption ? one(aws_kms_key.catalog[*].arn) : var.retained_catalog_kms_key_arn
}
