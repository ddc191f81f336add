# The workgroup lakehouse_daily's queries run in, with its settings enforced
# (clients cannot override the result location or encryption) and a per-query
# scan cutoff, and the analytics in include/sql/analytics as named queries.

resource "aws_athena_workgroup" "lakehouse" {
  name          = var.workgroup
  description   = "lakehouse_daily's staging, audits and publishes, and the analytics named queries"
  state         = "ENABLED"
  force_destroy = false

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff_bytes

    engine_version {
      selected_engine_version = "Athena engine version 3"
    }

    result_configuration {
      output_location = var.output_location

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }
}

locals {
  analytics = {
    for file in fileset(var.named_queries_dir, "*.sql") :
    trimsuffix(file, ".sql") => file("${var.named_queries_dir}/${file}")
  }
}

resource "aws_athena_named_query" "analytics" {
  for_each = local.analytics

  name      = each.key
  workgroup = aws_athena_workgroup.lakehouse.id
  database  = var.named_queries_database
  # The first comment line of the SQL file says what the query answers.
  description = substr(trimprefix(split("\n", each.value)[0], "-- "), 0, 1024)
  query       = each.value
}
