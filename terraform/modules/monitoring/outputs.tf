output "topic_arns" {
  description = "ARN of each topic, by kind (pipeline, quality, cost)."
  value       = { for kind, topic in aws_sns_topic.this : kind => topic.arn }
}

output "dashboard_name" {
  description = "The CloudWatch dashboard of the runs' metrics."
  value       = aws_cloudwatch_dashboard.pipeline.dashboard_name
}

output "alarm_names" {
  description = "The alarms that notify the pipeline topic."
  value       = [aws_cloudwatch_metric_alarm.failed_runs.alarm_name, aws_cloudwatch_metric_alarm.freshness.alarm_name]
}

output "budget_name" {
  description = "The stack's monthly cost budget."
  value       = aws_budgets_budget.stack.name
}
