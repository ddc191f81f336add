# The lakehouse on AWS: what lakehouse_daily expects to exist (the same names
# the local stack creates on its endpoint, from the same pipeline.yaml) and the
# MWAA environment that runs it.

module "lake_bucket" {
  source = "./modules/bucket"

  name                              = local.lakehouse.lake_bucket
  kms_key_arn                       = aws_kms_key.lakehouse.arn
  access_logs_bucket                = aws_s3_bucket.access_logs.id
  noncurrent_version_retention_days = var.noncurrent_version_retention_days
}

module "athena_results_bucket" {
  source = "./modules/bucket"

  name                              = local.lakehouse.athena_results_bucket
  kms_key_arn                       = aws_kms_key.lakehouse.arn
  access_logs_bucket                = aws_s3_bucket.access_logs.id
  noncurrent_version_retention_days = 1
  expire_current_after_days         = var.athena_results_retention_days
}

module "mwaa_bucket" {
  source = "./modules/bucket"

  name                              = local.mwaa_bucket
  kms_key_arn                       = aws_kms_key.lakehouse.arn
  access_logs_bucket                = aws_s3_bucket.access_logs.id
  noncurrent_version_retention_days = var.noncurrent_version_retention_days
}

module "catalog" {
  source = "./modules/catalog"

  name                = local.name
  region              = var.region
  account_id          = local.account_id
  partition           = local.partition
  kms_key_arn         = aws_kms_key.lakehouse.arn
  manage_encryption   = var.manage_catalog_encryption
  catalog_kms_key_arn = local.catalog_kms_key_arn
  lake_bucket         = module.lake_bucket.id
  databases           = local.lakehouse.databases
  crawler             = local.lakehouse.crawler
}

module "athena" {
  source = "./modules/athena"

  workgroup                  = local.lakehouse.workgroup
  output_location            = local.lakehouse.athena_output_location
  kms_key_arn                = aws_kms_key.lakehouse.arn
  bytes_scanned_cutoff_bytes = floor(var.athena_bytes_scanned_cutoff_gb * 1000 * 1000 * 1000)
  named_queries_database     = local.lakehouse.databases.gold
  named_queries_dir          = "${path.module}/../include/sql/analytics"

  depends_on = [module.athena_results_bucket]
}

module "network" {
  source = "./modules/network"

  name                 = local.name
  region               = var.region
  vpc_cidr             = var.vpc_cidr
  internet_egress      = var.internet_egress
  postgres_cidr_blocks = var.postgres_cidr_blocks
  kms_key_arn          = aws_kms_key.lakehouse.arn
  log_retention_days   = var.log_retention_days
}

module "mwaa" {
  source = "./modules/mwaa"

  name                  = local.name
  region                = var.region
  account_id            = local.account_id
  partition             = local.partition
  airflow_version       = local.lakehouse.airflow_version
  environment_class     = var.mwaa_environment_class
  min_workers           = var.mwaa_min_workers
  max_workers           = var.mwaa_max_workers
  webserver_access_mode = var.mwaa_webserver_access_mode
  kms_key_arn           = aws_kms_key.lakehouse.arn
  catalog_kms_key_arn   = local.catalog_kms_key_arn
  source_bucket_arn     = module.mwaa_bucket.arn
  source_bucket         = module.mwaa_bucket.id
  subnet_ids            = module.network.private_subnet_ids
  security_group_id     = module.network.mwaa_security_group_id
  secrets_prefix        = var.secrets_prefix
  postgres_conn_id      = local.lakehouse.connections.postgres
  metrics_namespace     = local.lakehouse.monitoring.namespace
  # sns:Publish on these and no other topic
  notification_topic_arns = values(module.monitoring.topic_arns)

  lake = {
    bucket_arn         = module.lake_bucket.arn
    prefixes           = local.lakehouse.lake_prefixes
    results_bucket_arn = module.athena_results_bucket.arn
    workgroup_arn      = module.athena.workgroup_arn
    database_names     = values(local.lakehouse.databases)
    crawler_arn        = module.catalog.crawler_arn
  }
}

module "monitoring" {
  source = "./modules/monitoring"

  name                           = local.name
  region                         = var.region
  account_id                     = local.account_id
  partition                      = local.partition
  kms_key_arn                    = aws_kms_key.lakehouse.arn
  monitoring                     = local.lakehouse.monitoring
  subscriptions                  = var.notification_subscriptions
  budget_limit_usd               = var.monthly_budget_usd
  budget_alert_threshold_percent = var.budget_alert_threshold_percent
  freshness_max_age_hours        = var.freshness_max_age_hours
  cost_allocation_tags           = local.cost_allocation_tags
  activate_cost_allocation_tags  = var.activate_cost_allocation_tags
}

module "github_deploy" {
  source = "./modules/github_deploy"
  count  = var.github_repository == "" ? 0 : 1

  name                 = local.name
  environment          = var.environment
  github_repository    = var.github_repository
  create_oidc_provider = var.create_github_oidc_provider
  account_id           = local.account_id
  partition            = local.partition
  region               = var.region
  mwaa_bucket_arn      = module.mwaa_bucket.arn
  mwaa_environment_arn = module.mwaa.environment_arn
  execution_role_arn   = module.mwaa.execution_role_arn
  kms_key_arn          = aws_kms_key.lakehouse.arn
}
