variable "workgroup" {
  description = "Workgroup name, from lakehouse.json (pipeline.yaml lake.workgroup)."
  type        = string
}

variable "output_location" {
  description = "s3:// location of query results, from lakehouse.json."
  type        = string

  validation {
    condition     = startswith(var.output_location, "s3://") && endswith(var.output_location, "/")
    error_message = "output_location: an s3:// prefix ending in /."
  }
}

variable "kms_key_arn" {
  description = "Key that encrypts query results (SSE_KMS)."
  type        = string
}

variable "bytes_scanned_cutoff_bytes" {
  description = "Queries scanning more than this many bytes are cancelled."
  type        = number

  validation {
    condition     = var.bytes_scanned_cutoff_bytes >= 10000000
    error_message = "bytes_scanned_cutoff_bytes: at least 10,000,000 (Athena's minimum)."
  }
}

variable "named_queries_database" {
  description = "Database the analytics named queries run in (gold)."
  type        = string
}

variable "named_queries_dir" {
  description = "Folder of *.sql files, one named query each (include/sql/analytics)."
  type        = string
}
