output "crawler_arn" {
  description = "ARN of the bronze crawler lakehouse_daily starts."
  value       = "${local.glue_arn}:crawler/${aws_glue_crawler.bronze.name}"
}

output "database_names" {
  description = "Glue database name per layer."
  value       = { for layer, db in aws_glue_catalog_database.layer : layer => db.name }
}
