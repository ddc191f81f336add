output "environment_arn" {
  description = "ARN of the MWAA environment."
  value       = aws_mwaa_environment.this.arn
}

output "webserver_url" {
  description = "The Airflow UI's URL."
  value       = aws_mwaa_environment.this.webserver_url
}

output "execution_role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.execution.arn
}

output "postgres_secret_name" {
  description = "Secret to put the postgres_oltp connection URI into."
  value       = aws_secretsmanager_secret.postgres.name
}
