variable "name" {
  description = "Environment name (<project>-<environment>): the MWAA environment, the metrics' Environment dimension and the prefix of every name here."
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
  description = "AWS partition."
  type        = string
}

variable "kms_key_arn" {
  description = "The stack key the topics are encrypted with."
  type        = string
}

variable "monitoring" {
  description = "The metrics (namespace, names, units, dimensions) and topic suffixes the runs report to: lakehouse.json's monitoring, from plugins/lakehouse/metrics_names.py."
  type = object({
    namespace             = string
    environment_dimension = string
    metrics = map(object({
      name        = string
      unit        = string
      dimensions  = list(string)
      statistic   = string
      description = string
    }))
    topics = object({
      pipeline = string
      quality  = string
      cost     = string
    })
  })
}

variable "subscriptions" {
  description = "Who hears each topic: {topic = pipeline | quality | cost, protocol, endpoint}."
  type = list(object({
    topic    = string
    protocol = string
    endpoint = string
  }))
}

variable "budget_limit_usd" {
  description = "The stack's monthly AWS budget in USD."
  type        = number
}

variable "budget_alert_threshold_percent" {
  description = "Percent of the budget at which actual spend alerts the cost topic (a forecast above the whole budget alerts too)."
  type        = number
}

variable "freshness_max_age_hours" {
  description = "Hours gold may be old (now minus the end of its latest business day) before the freshness alarm fires."
  type        = number
}

variable "cost_allocation_tags" {
  description = "The tags every resource carries (provider default_tags) that cost reports and the budget group by; Stack names this stack."
  type        = map(string)
}

variable "activate_cost_allocation_tags" {
  description = "Activate cost_allocation_tags' keys in Billing."
  type        = bool
}
