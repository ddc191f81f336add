# Names the DAG depends on (buckets, databases, crawler, workgroup, Airflow
# version) are not variables: they come from lakehouse.json, generated from
# include/pipeline.yaml and requirements.txt (see locals.tf).

variable "project" {
  description = "Prefix of every name this stack creates (MWAA environment, MWAA bucket, roles)."
  type        = string
  default     = "airflow-lakehouse"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,29}$", var.project))
    error_message = "project: 3-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Deployment stage (dev, prod): the MWAA environment is <project>-<environment>, and `make deploy ENV=<environment>` targets it."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment: 2-10 lowercase letters or digits, starting with a letter (e.g. dev, prod)."
  }
}

variable "region" {
  description = "AWS region of every resource, e.g. eu-west-1. MWAA must be available there."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region: an AWS region name such as eu-west-1."
  }
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC MWAA runs in; split into two private subnets (and one public subnet for NAT when internet_egress is on)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 22
    error_message = "vpc_cidr: a valid IPv4 CIDR block of /22 or larger."
  }
}

variable "internet_egress" {
  description = "Give the private subnets a NAT gateway so MWAA can install requirements.txt from PyPI. Turn off only if you vendor wheels into plugins.zip; AWS APIs are reached through VPC endpoints either way."
  type        = bool
  default     = true
}

variable "postgres_cidr_blocks" {
  description = "Where the source Postgres (the postgres_oltp connection) listens: MWAA workers may reach these CIDRs on port 5432 and nothing else outside the VPC but HTTPS."
  type        = list(string)

  validation {
    condition     = length(var.postgres_cidr_blocks) > 0 && alltrue([for c in var.postgres_cidr_blocks : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "postgres_cidr_blocks: one or more valid IPv4 CIDR blocks, not 0.0.0.0/0."
  }
}

variable "mwaa_environment_class" {
  description = "MWAA environment class (scheduler and worker size)."
  type        = string
  default     = "mw1.small"

  validation {
    condition     = contains(["mw1.micro", "mw1.small", "mw1.medium", "mw1.large", "mw1.xlarge", "mw1.2xlarge"], var.mwaa_environment_class)
    error_message = "mwaa_environment_class: one of mw1.micro, mw1.small, mw1.medium, mw1.large, mw1.xlarge, mw1.2xlarge."
  }
}

variable "mwaa_min_workers" {
  description = "Workers MWAA keeps running."
  type        = number
  default     = 1

  validation {
    condition     = var.mwaa_min_workers >= 1 && var.mwaa_min_workers <= 25 && floor(var.mwaa_min_workers) == var.mwaa_min_workers
    error_message = "mwaa_min_workers: a whole number from 1 to 25."
  }
}

variable "mwaa_max_workers" {
  description = "Workers MWAA may scale out to (at least mwaa_min_workers)."
  type        = number
  default     = 4

  validation {
    condition     = var.mwaa_max_workers >= 1 && var.mwaa_max_workers <= 25 && floor(var.mwaa_max_workers) == var.mwaa_max_workers
    error_message = "mwaa_max_workers: a whole number from 1 to 25."
  }
}

variable "mwaa_webserver_access_mode" {
  description = "PRIVATE_ONLY (the UI is reached from inside the VPC, e.g. through a VPN) or PUBLIC_ONLY (still behind IAM sign-in)."
  type        = string
  default     = "PRIVATE_ONLY"

  validation {
    condition     = contains(["PRIVATE_ONLY", "PUBLIC_ONLY"], var.mwaa_webserver_access_mode)
    error_message = "mwaa_webserver_access_mode: PRIVATE_ONLY or PUBLIC_ONLY."
  }
}

variable "secrets_prefix" {
  description = "Secrets Manager prefix of the Airflow secrets backend: connections are <prefix>/connections/<conn_id>, variables <prefix>/variables/<key>."
  type        = string
  default     = "airflow"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,64}$", var.secrets_prefix))
    error_message = "secrets_prefix: 1-64 letters, digits, underscores or hyphens (no slashes)."
  }
}

variable "athena_bytes_scanned_cutoff_gb" {
  description = "The workgroup cancels any query that scans more than this many GB (a guard against a runaway full scan)."
  type        = number
  default     = 100

  validation {
    condition     = var.athena_bytes_scanned_cutoff_gb >= 0.01
    error_message = "athena_bytes_scanned_cutoff_gb: at least 0.01 (Athena's minimum cutoff is 10 MB)."
  }
}

variable "athena_results_retention_days" {
  description = "Days Athena query results are kept before the lifecycle rule expires them."
  type        = number
  default     = 30

  validation {
    condition     = var.athena_results_retention_days >= 1 && var.athena_results_retention_days <= 3650
    error_message = "athena_results_retention_days: 1 to 3650."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days superseded object versions are kept in the versioned buckets (the window for restoring a lake file)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650
    error_message = "noncurrent_version_retention_days: 1 to 3650."
  }
}

variable "log_retention_days" {
  description = "Retention of the VPC flow log group (a CloudWatch Logs retention value)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days: a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the stack's KMS key is deleted after terraform destroy (the catalog key of manage_catalog_encryption is never deleted by Terraform)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days: 7 to 30."
  }
}

variable "manage_catalog_encryption" {
  description = "Encrypt the account's Glue Data Catalog in this region (a setting shared by every catalog user there, not only this stack) with a KMS key of its own that Terraform never destroys. Off by default: turn it on only where no one else manages that setting, and see terraform/README.md before turning it off."
  type        = bool
  default     = false
}

variable "retained_catalog_kms_key_arn" {
  description = "After turning manage_catalog_encryption off: the ARN of the catalog key it created (terraform/README.md). Metadata written while encryption was on stays encrypted with that key, so this stack's roles keep using it. Null otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.retained_catalog_kms_key_arn == null || (!var.manage_catalog_encryption && can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.retained_catalog_kms_key_arn)))
    error_message = "retained_catalog_kms_key_arn: a KMS key ARN (not an alias), and only while manage_catalog_encryption is off (when it is on, the stack grants its own catalog key)."
  }
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose deploy workflow may assume the deploy role through OIDC; empty to create no deploy role."
  type        = string
  default     = ""

  validation {
    condition     = var.github_repository == "" || can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository: owner/name, or empty."
  }
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC identity provider (only one may exist per account; set false if another stack made it)."
  type        = bool
  default     = true
}

variable "notification_subscriptions" {
  description = "Who hears the pipeline's topics: topic is pipeline (run summaries, failed tasks, the failed-run and freshness alarms), quality (audit failures and warnings) or cost (the budget); protocol and endpoint as SNS takes them (email, https, sqs, lambda, ...). Email subscriptions wait for their confirmation."
  type = list(object({
    topic    = string
    protocol = string
    endpoint = string
  }))
  default = []

  validation {
    condition = alltrue([
      for s in var.notification_subscriptions :
      contains(["pipeline", "quality", "cost"], s.topic)
      && contains(["email", "email-json", "http", "https", "sqs", "lambda", "sms", "application", "firehose"], s.protocol)
      && s.endpoint != ""
    ])
    error_message = "notification_subscriptions: each {topic = pipeline | quality | cost, protocol = an SNS protocol (email, https, sqs, lambda, ...), endpoint = non-empty}."
  }
}

variable "monthly_budget_usd" {
  description = "The stack's monthly AWS budget in USD (what carries its Stack tag); the cost topic hears when actual spend passes budget_alert_threshold_percent of it, or the month's forecast passes all of it."
  type        = number
  default     = 700

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd: more than 0."
  }
}

variable "budget_alert_threshold_percent" {
  description = "Percent of monthly_budget_usd at which actual spend alerts the cost topic."
  type        = number
  default     = 80

  validation {
    condition     = var.budget_alert_threshold_percent > 0 && var.budget_alert_threshold_percent <= 1000
    error_message = "budget_alert_threshold_percent: more than 0, at most 1000."
  }
}

variable "freshness_max_age_hours" {
  description = "Hours gold may be old (now minus the end of its latest business day) before the freshness alarm notifies the pipeline topic; also how long the pipeline may report nothing. The default lets the 02:00 run publish by 06:00 UTC."
  type        = number
  default     = 30

  validation {
    condition     = var.freshness_max_age_hours >= 1 && var.freshness_max_age_hours <= 168 && floor(var.freshness_max_age_hours) == var.freshness_max_age_hours
    error_message = "freshness_max_age_hours: a whole number from 1 to 168 (CloudWatch evaluates hourly periods over at most 7 days)."
  }
}

variable "activate_cost_allocation_tags" {
  description = "Activate the Project, Environment and Stack tag keys as cost allocation tags. Billing knows a key only after resources carrying it were billed (about a day after the first apply), and only an Organization's management account (or a standalone account) may activate: turn on then, there, or activate them in the Billing console."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
