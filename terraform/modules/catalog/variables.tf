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
  description = "Key for the catalog, the crawler's logs and S3 writes."
  type        = string
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
