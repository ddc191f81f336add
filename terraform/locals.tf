data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  # Generated from include/pipeline.yaml and requirements.txt by
  # `make terraform-inputs`; tests/terraform checks it is current.
  lakehouse = jsondecode(file("${path.module}/lakehouse.json"))

  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Carried by every resource (the provider's default_tags): Billing groups costs
  # by them once they are activated, and the budget counts what carries Stack.
  cost_allocation_tags = {
    Project     = var.project
    Environment = var.environment
    Stack       = local.name
  }

  mwaa_bucket        = "${local.name}-mwaa-${local.account_id}"
  access_logs_bucket = "${local.name}-access-logs-${local.account_id}"
}
