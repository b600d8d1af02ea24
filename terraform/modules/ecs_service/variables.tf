variable "name" {
  description = "Name of the cluster, service and task families."
  type        = string
}

variable "region" {
  description = "AWS region (awslogs, the collector's SigV4 signing)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets of the tasks (no public IPs)."
  type        = list(string)
}

variable "image" {
  description = "Image of the service, REPOSITORY_URL:TAG (scripts/deploy.sh sets the tag)."
  type        = string
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU), shared by the service and the collector."
  type        = number
  default     = 1024
}

variable "memory" {
  description = "Task memory in MiB."
  type        = number
  default     = 2048
}

variable "container_port" {
  description = "BOXOFFICE_PORT."
  type        = number
  default     = 8080
}

variable "metrics_port" {
  description = "BOXOFFICE_METRICS_PORT (scraped by the collector on localhost; never behind the ALB)."
  type        = number
  default     = 9464
}

variable "alb" {
  description = "The ALB: its security group (the only source admitted) and the target group."
  type = object({
    security_group_id       = string
    target_group_arn        = string
    target_group_arn_suffix = string
    arn_suffix              = string
  })
}

variable "dependencies" {
  description = "Security groups the tasks connect to: the database, Redis, the interface endpoints, and the S3 gateway endpoint's prefix list."
  type = object({
    database_security_group_id  = string
    redis_security_group_id     = string
    endpoints_security_group_id = string
    s3_prefix_list_id           = string
  })
}

variable "internet_egress_https" {
  description = "Allow HTTPS to the internet through the NAT (public images such as the ADOT collector's, payment providers). Off: AWS only through the VPC endpoints."
  type        = bool
  default     = true
}

variable "iam" {
  description = "Roles from the secrets module."
  type = object({
    execution_role_arn = string
    task_role_arn      = string
  })
}

variable "environment" {
  description = "Plain BOXOFFICE_* settings (non-secret), merged over the module's defaults."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Environment variables injected from Secrets Manager (NAME = secret ARN, or ARN:json-key:: for one JSON field). Never plain values."
  type        = map(string)
}

variable "sqs_queue_url" {
  description = "BOXOFFICE_SQS_QUEUE_URL (the outbox relay publishes to it)."
  type        = string
}

variable "database_url" {
  description = "BOXOFFICE_DATABASE_URL without the password (libpq reads PGPASSWORD, a secret)."
  type        = string
}

variable "shutdown" {
  description = "BOXOFFICE_SHUTDOWN_GRACE and _TIMEOUT in seconds; the container's stopTimeout covers both plus a margin."
  type = object({
    grace_seconds   = optional(number, 5)
    timeout_seconds = optional(number, 20)
  })
  default = {}
}

variable "keepalive_seconds" {
  description = "BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT in seconds (above the ALB's 60 s idle timeout)."
  type        = number
  default     = 75
}

variable "capacity" {
  description = "Fargate capacity: spot allowed (dev only), autoscaling bounds and targets."
  type = object({
    use_spot               = optional(bool, false)
    desired                = optional(number, 2)
    min                    = optional(number, 2)
    max                    = optional(number, 20)
    cpu_target_percent     = optional(number, 60)
    requests_per_target    = optional(number, 3000)
    scale_in_cooldown_sec  = optional(number, 120)
    scale_out_cooldown_sec = optional(number, 30)
  })
  default = {}

  validation {
    condition     = var.capacity.min >= 1 && var.capacity.min <= var.capacity.max
    error_message = "capacity.min must be at least 1 and at most capacity.max."
  }
}

variable "log_retention_days" {
  description = "Days the service's CloudWatch logs are kept."
  type        = number
  default     = 30
}

variable "enable_execute_command" {
  description = "ECS Exec into running tasks (the task role then needs ssmmessages; see the secrets module)."
  type        = bool
  default     = false
}

variable "metrics_collector" {
  description = "ADOT collector sidecar: image and its configuration (YAML from the observability module). Disabled: no sidecar."
  type = object({
    enabled = bool
    image   = optional(string, "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3")
    config  = optional(string, "")
  })
  default = { enabled = false }
}

variable "load_task" {
  description = "The one-off task running the flash-sale harness (`/usr/local/bin/boxoffice-load` of the same image) against `base_url`, the service's public https URL; started by hand with `aws ecs run-task` (terraform/README.md). null: no load task."
  type = object({
    base_url = string
    cpu      = optional(number, 1024)
    memory   = optional(number, 2048)
  })
  default = null

  validation {
    condition     = var.load_task == null || can(regex("^https?://", var.load_task.base_url))
    error_message = "load_task.base_url must be an http:// or https:// URL."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "payments" {
  description = "The payment provider (BOXOFFICE_PAYMENTS_PROVIDER, a plain environment variable) and, for stripe, the ARNs of Secrets Manager secrets the operator created and filled (Terraform never holds Stripe's key): injected into the service container as secrets (valueFrom). Default: the dev provider, no payment secret."
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
