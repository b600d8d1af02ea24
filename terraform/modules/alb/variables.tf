variable "name" {
  description = "Name prefix of every resource (ALB names are limited to 32 characters)."
  type        = string

  validation {
    condition     = length(var.name) <= 28
    error_message = "The name must be at most 28 characters (the target group adds \"-tg\")."
  }
}

variable "vpc_id" {
  description = "VPC of the load balancer and its target group."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the internet-facing ALB (one per AZ)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener (in the same region)."
  type        = string
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener: TLS 1.2 and 1.3 only."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("TLS13-1-[23]|TLS-1-2", var.ssl_policy))
    error_message = "Use a policy that refuses TLS below 1.2 (ELBSecurityPolicy-TLS13-1-2-* or ELBSecurityPolicy-TLS-1-2-*)."
  }
}

variable "target_port" {
  description = "Port the service listens on in the task (BOXOFFICE_PORT)."
  type        = number
  default     = 8080
}

variable "health_check_path" {
  description = "Readiness path of the service; 503 while draining, so the ALB stops sending before the listener closes."
  type        = string
  default     = "/readyz"
}

variable "idle_timeout" {
  description = "ALB idle timeout in seconds. Must stay below the service's keep-alive (BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT, 75 s), or the ALB reuses connections the service already closed (sporadic 502)."
  type        = number
  default     = 60
}

variable "service_keepalive_seconds" {
  description = "The service's BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT in seconds, checked against idle_timeout."
  type        = number
  default     = 75
}

variable "deregistration_delay" {
  description = "Seconds a draining target keeps its in-flight requests; longer than the service's shutdown grace + timeout."
  type        = number
  default     = 30
}

variable "service_shutdown_seconds" {
  description = "BOXOFFICE_SHUTDOWN_GRACE + BOXOFFICE_SHUTDOWN_TIMEOUT of the service, checked against deregistration_delay."
  type        = number
  default     = 25
}

variable "ingress_cidrs" {
  description = "Client CIDRs allowed to reach the listeners (the internet by default: this is the public entry point)."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "deletion_protection" {
  description = "Refuse to delete the ALB (prod)."
  type        = bool
  default     = false
}

variable "access_logs" {
  description = "Access logs to an S3 bucket created here (SSE-S3: ALB log delivery does not support KMS keys); days kept."
  type = object({
    enabled        = optional(bool, true)
    retention_days = optional(number, 90)
    force_destroy  = optional(bool, false)
  })
  default = {}
}

variable "api_gateway" {
  description = "Optional API Gateway HTTP API in front of the ALB, with throttling (off by default)."
  type = object({
    enabled              = optional(bool, false)
    throttle_rate_limit  = optional(number, 5000)
    throttle_burst_limit = optional(number, 10000)
  })
  default = {}
}

variable "domain_name" {
  description = "Host name of the certificate that clients use (for the service URL); empty = the ALB's DNS name."
  type        = string
  default     = ""
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
