variable "name" {
  description = "Name prefix of every resource."
  type        = string
}

variable "alb_arn" {
  description = "ARN of the ALB the web ACL protects."
  type        = string
}

variable "rate_limit" {
  description = "Requests per client IP per 5-minute window before the rate-based rule blocks it. A flash sale's honest client sends a few dozen; leave room for users behind one NAT."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit >= 100
    error_message = "WAFv2 rate-based rules take a limit of at least 100."
  }
}

variable "managed_rule_groups" {
  description = "AWS managed rule groups (vendor AWS), evaluated in this order after the rate rule."
  type        = list(string)
  default = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
  ]
}

variable "log_retention_days" {
  description = "Days the WAF logs are kept in CloudWatch Logs."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
