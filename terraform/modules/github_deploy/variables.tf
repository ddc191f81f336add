variable "name" {
  description = "Name prefix (<project>-<environment>)."
  type        = string
}

variable "environment" {
  description = "Deployment stage; also the GitHub environment the workflow runs in."
  type        = string
}

variable "github_repository" {
  description = "owner/name of the repository allowed to deploy."
  type        = string
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (one per account)."
  type        = bool
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "partition" {
  description = "AWS partition."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "mwaa_bucket_arn" {
  description = "The MWAA source bucket."
  type        = string
}

variable "mwaa_environment_arn" {
  description = "The MWAA environment deploy updates."
  type        = string
}

variable "execution_role_arn" {
  description = "The environment's execution role (UpdateEnvironment passes it)."
  type        = string
}

variable "kms_key_arn" {
  description = "The stack's key (uploads are SSE-KMS)."
  type        = string
}
