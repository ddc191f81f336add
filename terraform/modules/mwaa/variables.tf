variable "name" {
  description = "Environment name (<project>-<environment>)."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "partition" {
  description = "AWS partition."
  type        = string
}

variable "airflow_version" {
  description = "Airflow version MWAA runs: requirements.txt's pin, through lakehouse.json."
  type        = string

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.airflow_version))
    error_message = "airflow_version: X.Y.Z."
  }
}

variable "environment_class" {
  description = "MWAA environment class."
  type        = string
}

variable "min_workers" {
  description = "Minimum workers."
  type        = number
}

variable "max_workers" {
  description = "Maximum workers."
  type        = number

  validation {
    condition     = var.max_workers >= var.min_workers
    error_message = "max_workers: must be at least min_workers."
  }
}

variable "webserver_access_mode" {
  description = "PRIVATE_ONLY or PUBLIC_ONLY."
  type        = string
}

variable "kms_key_arn" {
  description = "Key MWAA encrypts its data with; also the secret's key."
  type        = string
}

variable "catalog_kms_key_arn" {
  description = "The key the Glue catalog is or was encrypted with, which the DAG's catalog and Athena calls need; null when there is none."
  type        = string
  default     = null
}

variable "source_bucket_arn" {
  description = "ARN of the bucket holding dags/, plugins.zip and requirements.txt."
  type        = string
}

variable "source_bucket" {
  description = "Name of that bucket."
  type        = string
}

variable "subnet_ids" {
  description = "The two private subnets."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) == 2
    error_message = "subnet_ids: MWAA takes exactly two private subnets."
  }
}

variable "security_group_id" {
  description = "MWAA's security group."
  type        = string
}

variable "secrets_prefix" {
  description = "Secrets Manager prefix of the Airflow secrets backend."
  type        = string
}

variable "postgres_conn_id" {
  description = "Airflow connection id of the source Postgres (pipeline.yaml source.conn_id)."
  type        = string
}

variable "metrics_namespace" {
  description = "The CloudWatch namespace the role may put metrics in: MWAA's own, which the runs' metrics share (lakehouse.json's monitoring.namespace)."
  type        = string
}

variable "notification_topic_arns" {
  description = "The SNS topics the DAGs publish notifications to: the role may publish to these and do nothing else with them."
  type        = list(string)
}

variable "lake" {
  description = "What lakehouse_daily touches: the lake bucket and its prefixes, the Athena results bucket, the workgroup, the Glue databases and the crawler."
  type = object({
    bucket_arn         = string
    prefixes           = list(string)
    results_bucket_arn = string
    workgroup_arn      = string
    database_names     = list(string)
    crawler_arn        = string
  })
}
