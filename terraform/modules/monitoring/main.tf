# What tells the operators how the pipeline is doing: SNS topics for the runs'
# events, data-quality alerts and cost alerts; a dashboard of the metrics the
# runs put; alarms on failed runs and on stale gold; the stack's monthly budget.
# Metric names, units and dimensions come from plugins/lakehouse/metrics_names.py
# through lakehouse.json (var.monitoring), so the graphs read what the runs write.

locals {
  namespace   = var.monitoring.namespace
  environment = var.monitoring.environment_dimension
  metrics     = var.monitoring.metrics
  day         = 86400

  # Who besides this account's principals publishes to each topic: alarms to the
  # pipeline topic, budgets to the cost topic.
  service_publishers = {
    pipeline = {
      service    = "cloudwatch.amazonaws.com"
      source_arn = "arn:${var.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:*"
    }
    cost = {
      service    = "budgets.amazonaws.com"
      source_arn = "arn:${var.partition}:budgets::${var.account_id}:*"
    }
  }
}

resource "aws_sns_topic" "this" {
  for_each = var.monitoring.topics

  name              = "${var.name}-${each.value}"
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "topic" {
  for_each = aws_sns_topic.this

  statement {
    sid       = "DenyPublishingWithoutTls"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [each.value.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  dynamic "statement" {
    for_each = contains(keys(local.service_publishers), each.key) ? [local.service_publishers[each.key]] : []

    content {
      sid       = "ServicePublishesForThisAccount"
      effect    = "Allow"
      actions   = ["sns:Publish"]
      resources = [each.value.arn]

      principals {
        type        = "Service"
        identifiers = [statement.value.service]
      }

      condition {
        test     = "StringEquals"
        variable = "aws:SourceAccount"
        values   = [var.account_id]
      }

      condition {
        test     = "ArnLike"
        variable = "aws:SourceArn"
        values   = [statement.value.source_arn]
      }
    }
  }
}

resource "aws_sns_topic_policy" "this" {
  for_each = aws_sns_topic.this

  arn    = each.value.arn
  policy = data.aws_iam_policy_document.topic[each.key].json
}

resource "aws_sns_topic_subscription" "this" {
  for_each = { for s in var.subscriptions : "${s.topic} ${s.protocol} ${s.endpoint}" => s }

  topic_arn = aws_sns_topic.this[each.value.topic].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

# -- the dashboard ---------------------------------------------------------------

locals {
  # Metrics put once per table, stage or dataset: a SEARCH graphs every value
  # the runs have used, so a new table needs no edit here.
  per_dimension = [
    "rows_exported", "bytes_exported", "stage_seconds", "athena_bytes_scanned", "audit_failures", "audit_warnings",
  ]
  searches = {
    for key in local.per_dimension : key => format(
      "SEARCH('{%s,%s} MetricName=\"%s\" %s=\"%s\"', '%s', %d)",
      local.namespace, join(",", local.metrics[key].dimensions), local.metrics[key].name,
      local.environment, var.name, local.metrics[key].statistic, local.day,
    )
  }
  single = {
    for key in ["runs_published", "runs_failed", "data_freshness"] :
    key => [local.namespace, local.metrics[key].name, local.environment, var.name]
  }

  widgets = concat(
    [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title   = "Runs published and failed"
          region  = var.region
          view    = "timeSeries"
          stat    = "Sum"
          period  = local.day
          metrics = [local.single.runs_published, local.single.runs_failed]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title   = "Data freshness (seconds): gold's age"
          region  = var.region
          view    = "timeSeries"
          stat    = local.metrics.data_freshness.statistic
          period  = 3600
          metrics = [local.single.data_freshness]
          annotations = {
            horizontal = [{ label = "freshness alarm", value = var.freshness_max_age_hours * 3600 }]
          }
        }
      },
    ],
    [
      for i, key in local.per_dimension : {
        type = "metric", x = (i % 2) * 12, y = 6 + floor(i / 2) * 6, width = 12, height = 6
        properties = {
          title   = "${local.metrics[key].name} per ${lower(local.metrics[key].dimensions[1])}"
          region  = var.region
          view    = "timeSeries"
          stat    = local.metrics[key].statistic
          period  = local.day
          metrics = [[{ expression = local.searches[key], id = "e${i}", period = local.day }]]
        }
      }
    ],
  )
}

resource "aws_cloudwatch_dashboard" "pipeline" {
  dashboard_name = "${var.name}-pipeline"
  dashboard_body = jsonencode({ widgets = local.widgets })
}

# -- alarms, to the pipeline topic -----------------------------------------------

resource "aws_cloudwatch_metric_alarm" "failed_runs" {
  alarm_name          = "${var.name}-failed-runs"
  alarm_description   = "A lakehouse_daily run ended failed, after its retries: the task's own notification names the cause."
  namespace           = local.namespace
  metric_name         = local.metrics.runs_failed.name
  dimensions          = { (local.environment) = var.name }
  statistic           = "Sum"
  period              = 3600
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching" # no run failed in the hour
  alarm_actions       = [aws_sns_topic.this["pipeline"].arn]

  depends_on = [aws_sns_topic_policy.this]
}

# Fires when no figure of the last freshness_max_age_hours showed gold younger
# than that many hours: stale gold, and equally a pipeline that reports nothing
# (missing data counts as breaching), which no notification from Airflow covers.
resource "aws_cloudwatch_metric_alarm" "freshness" {
  alarm_name          = "${var.name}-gold-freshness"
  alarm_description   = "Gold is older than ${var.freshness_max_age_hours} hours, or no run has reported its freshness for that long."
  namespace           = local.namespace
  metric_name         = local.metrics.data_freshness.name
  dimensions          = { (local.environment) = var.name }
  statistic           = "Maximum"
  period              = 3600
  evaluation_periods  = var.freshness_max_age_hours
  datapoints_to_alarm = var.freshness_max_age_hours
  threshold           = var.freshness_max_age_hours * 3600
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.this["pipeline"].arn]
  ok_actions          = [aws_sns_topic.this["pipeline"].arn]

  depends_on = [aws_sns_topic_policy.this]
}

# -- cost --------------------------------------------------------------------------

# Billing lists a tag key only once resources carrying it have been billed, so
# activation is a second step (README) rather than part of the first apply.
resource "aws_ce_cost_allocation_tag" "this" {
  for_each = var.activate_cost_allocation_tags ? var.cost_allocation_tags : {}

  tag_key = each.key
  status  = "Active"
}

resource "aws_budgets_budget" "stack" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = format("%.2f", var.budget_limit_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  # This stack's resources only: what carries its Stack tag.
  cost_filter {
    name   = "TagKeyValue"
    values = [format("user:Stack$%s", var.cost_allocation_tags["Stack"])]
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = var.budget_alert_threshold_percent
    threshold_type            = "PERCENTAGE"
    notification_type         = "ACTUAL"
    subscriber_sns_topic_arns = [aws_sns_topic.this["cost"].arn]
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 100
    threshold_type            = "PERCENTAGE"
    notification_type         = "FORECASTED"
    subscriber_sns_topic_arns = [aws_sns_topic.this["cost"].arn]
  }

  depends_on = [aws_sns_topic_policy.this]
}
