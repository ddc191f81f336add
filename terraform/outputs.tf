output "lake_bucket" {
  description = "The lake bucket (bronze/, silver/, gold/, reports/)."
  value       = module.lake_bucket.id
}

output "athena_results_bucket" {
  description = "Where Athena writes query results."
  value       = module.athena_results_bucket.id
}

output "mwaa_bucket" {
  description = "MWAA's source bucket: make deploy uploads dags/, plugins.zip and requirements.txt here."
  value       = module.mwaa_bucket.id
}

output "mwaa_environment_name" {
  description = "The MWAA environment (make deploy ENV=<environment> updates it)."
  value       = local.name
}

output "mwaa_webserver_url" {
  description = "The Airflow UI."
  value       = module.mwaa.webserver_url
}

output "postgres_secret_name" {
  description = "Put the postgres_oltp connection URI into this secret (never in the repo)."
  value       = module.mwaa.postgres_secret_name
}

output "athena_workgroup" {
  description = "The Athena workgroup."
  value       = local.lakehouse.workgroup
}

output "athena_named_queries" {
  description = "Named query id per analytics query."
  value       = module.athena.named_query_ids
}

output "glue_databases" {
  description = "Glue database per layer."
  value       = module.catalog.database_names
}

output "kms_key_arn" {
  description = "The stack's KMS key."
  value       = aws_kms_key.lakehouse.arn
}

output "catalog_kms_key_arn" {
  description = "The key the account's Glue catalog is (or was) encrypted with; null when manage_catalog_encryption was never on. Keep it when turning that off (terraform/README.md)."
  value       = local.catalog_kms_key_arn
}

output "github_deploy_role_arn" {
  description = "Role the deploy workflow assumes (AWS_DEPLOY_ROLE_ARN); null when github_repository is empty."
  value       = one(module.github_deploy[*].role_arn)
}

output "notification_topic_arns" {
  description = "SNS topic per kind: pipeline (run summaries, failed tasks, alarms), quality (audits), cost (the budget)."
  value       = module.monitoring.topic_arns
}

output "dashboard_name" {
  description = "The CloudWatch dashboard of the runs' metrics."
  value       = module.monitoring.dashboard_name
}
