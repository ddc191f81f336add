output "workgroup_arn" {
  description = "ARN of the workgroup."
  value       = aws_athena_workgroup.lakehouse.arn
}

output "named_query_ids" {
  description = "Named query id per analytics query."
  value       = { for name, query in aws_athena_named_query.analytics : name => query.id }
}
