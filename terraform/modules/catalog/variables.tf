variable "name" {
  description = "Name prefix (<project>-<environment>)."
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
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "kms_key_arn" {
  description = "The stack key: the crawler's logs, job bookmarks and S3 writes."
  type        = string
}

variable "manage_encryption" {
  description = "Set the account's catalog encryption (per account and region) with catalog_kms_key_arn."
  type        = bool
}

variable "catalog_kms_key_arn" {
  description = "The key the catalog is or was encrypted with, which the crawler may use; null when there is none."
  type        = string
  default     = null

  validation {
    condition     = !var.manage_encryption || var.catalog_kms_key_arn != null
    error_message = "catalog_kms_key_arn: required when manage_encryption is on."
  }
}

variable "lake_bucket" {
  description = "The lake bucket whose bronze/ prefix the crawler reads."
  type        = string
}

variable "databases" {
  description = "Glue database name per layer (bronze, silver, gold, staging), from lakehouse.json."
  type        = map(string)

  validation {
    condition     = contains(keys(var.databases), "bronze")
    error_message = "databases: must name the bronze database the crawler writes to."
  }
}

variable "crawler" {
  description = "The bronze crawler, from lakehouse.json (lakehouse.catalog_spec.crawler_spec)."
  type = object({
    name             = string
    description      = string
    database         = string
    s3_targets       = list(string)
    update_behavior  = string
    delete_behavior  = string
    recrawl_behavior = string
    configuration    = string
  })
}
