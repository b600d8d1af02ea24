variable "name" {
  description = "Name prefix of every secret and role (secrets are named NAME/jwt-secret, NAME/ticket-signing-key, NAME/redis-auth-token)."
  type        = string
}

variable "recovery_window_days" {
  description = "Days a deleted secret can be restored (0 deletes at once: dev and tests only)."
  type        = number
  default     = 30
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before the secrets' KMS key is deleted."
  type        = number
  default     = 30
}

variable "execution_role" {
  description = "What the ECS execution role may do: pull from this repository, read these secrets, write to this log group."
  type = object({
    ecr_repository_arn = string
    log_group_arn      = string
    extra_secret_arns  = optional(list(string), []) # e.g. the RDS-managed master secret, the Redis URL secret
    extra_kms_key_arns = optional(list(string), []) # keys of those secrets (the RDS-managed one uses the RDS key)
  })
}

variable "task_role" {
  description = "What the task itself may do: send to the queue (policy JSON from the sqs module), remote-write to the AMP workspace, ECS Exec."
  type = object({
    sqs_send_policy_json = string
    amp_remote_write     = optional(bool, false)
    amp_workspace_arn    = optional(string, "")
    enable_execute       = optional(bool, false)
  })
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "payments" {
  description = "The payment provider and its operator-created Secrets Manager secrets (same object as the ecs_service module's): the execution role may read those ARNs (and decrypt with kms_key_arn) only when the provider uses them."
  type = object({
    provider = optional(string, "dev") # BOXOFFICE_PAYMENTS_PROVIDER: dev (no money moves) or stripe
    stripe = optional(object({
      secret_key_arn      = string           # secret whose string is Stripe's secret API key (sk_live_...): BOXOFFICE_STRIPE_SECRET_KEY
      webhook_secrets_arn = string           # secret whose string is the webhook signing secret(s), whsec_..., comma-separated while rotating: BOXOFFICE_STRIPE_WEBHOOK_SECRETS
      kms_key_arn         = optional(string) # customer-managed KMS key of those two secrets; null: the aws/secretsmanager key
    }))
    dev_webhook_secret_arn = optional(string) # provider dev only: BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET (null: each task generates one)
  })
  default = {}

  validation {
    condition     = contains(["dev", "stripe"], var.payments.provider)
    error_message = "payments.provider must be \"dev\" or \"stripe\"."
  }
  validation {
    condition     = (var.payments.provider == "stripe") == (var.payments.stripe != null)
    error_message = "payments.stripe (the ARNs of Stripe's secret key and webhook secrets) is required with provider \"stripe\" and only with it."
  }
  validation {
    condition     = var.payments.provider == "dev" || var.payments.dev_webhook_secret_arn == null
    error_message = "payments.dev_webhook_secret_arn is only for provider \"dev\"."
  }
  validation {
    # Whole secrets (a plain string each), not ARN:json-key:: references: the execution role is granted these very ARNs.
    condition = alltrue([for a in(var.payments.stripe == null ? [] : [var.payments.stripe.secret_key_arn, var.payments.stripe.webhook_secrets_arn]) :
      can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^:]+$", a))]) && (var.payments.dev_webhook_secret_arn == null ? true :
    can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^:]+$", var.payments.dev_webhook_secret_arn)))
    error_message = "payments' secret ARNs must be Secrets Manager secret ARNs (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), without a JSON key."
  }
}
