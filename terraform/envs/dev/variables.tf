variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "eu-west-1"
}

variable "azs" {
  description = "Availability zones (two in dev)."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]
}

variable "name" {
  description = "Name prefix of every resource."
  type        = string
  default     = "boxoffice-dev"
}

variable "certificate_arn" {
  description = "ACM certificate of the ALB's HTTPS listener (for domain_name)."
  type        = string
}

variable "domain_name" {
  description = "Host name clients use (covered by the certificate); empty = the ALB's DNS name."
  type        = string
  default     = ""
}

variable "image_tag" {
  description = "Tag of the boxoffice image in the stack's ECR repository (scripts/deploy.sh sets it)."
  type        = string
  default     = "bootstrap"
}

variable "alarm_email" {
  description = "Where alarms are e-mailed (empty: none)."
  type        = string
  default     = ""
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes before the WAF blocks it."
  type        = number
  default     = 2000
}

variable "enable_api_gateway" {
  description = "Put an API Gateway HTTP API with throttling in front of the ALB."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "payments" {
  description = "Payment provider of the service (BOXOFFICE_PAYMENTS_PROVIDER): dev (the default here: no money moves) or stripe with the ARNs of Secrets Manager secrets you created and filled (Stripe's secret key; its webhook signing secret(s), comma-separated while rotating; their KMS key if customer-managed). Terraform never holds Stripe's key. See modules/ecs_service."
  type = object({
    provider = optional(string, "dev")
    stripe = optional(object({
      secret_key_arn      = string
      webhook_secrets_arn = string
      kms_key_arn         = optional(string)
    }))
    dev_webhook_secret_arn = optional(string)
  })
  default = { provider = "dev" }

  validation {
    condition     = contains(["dev", "stripe"], var.payments.provider) && (var.payments.provider == "stripe") == (var.payments.stripe != null)
    error_message = "payments.provider must be \"dev\" or \"stripe\", and payments.stripe (the secrets' ARNs) is given with stripe and only with it."
  }
}
