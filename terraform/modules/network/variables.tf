variable "name" {
  description = "Name prefix (<project>-<environment>)."
  type        = string
}

variable "region" {
  description = "AWS region (endpoint service names)."
  type        = string
}

variable "vpc_cidr" {
  description = "VPC CIDR block."
  type        = string
}

variable "internet_egress" {
  description = "Create a NAT gateway for outbound HTTPS (PyPI)."
  type        = bool
}

variable "postgres_cidr_blocks" {
  description = "CIDRs MWAA may reach on 5432 (the source Postgres)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "Key that encrypts the flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Flow log retention."
  type        = number
}
