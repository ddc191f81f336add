provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, local.cost_allocation_tags, { ManagedBy = "terraform" })
  }
}
