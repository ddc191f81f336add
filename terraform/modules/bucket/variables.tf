variable "name" {
  description = "Bucket name (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "name: a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts every object (SSE-KMS with an S3 bucket key)."
  type        = string
}

variable "access_logs_bucket" {
  description = "Bucket receiving this bucket's server access logs under <name>/."
  type        = string
}

variable "noncurrent_version_retention_days" {
  description = "Days a superseded object version is kept."
  type        = number
}

variable "expire_current_after_days" {
  description = "Expire current objects after this many days (Athena results); null to keep them."
  type        = number
  default     = null
}
