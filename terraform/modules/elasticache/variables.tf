variable "name" {
  description = "Replication group id (at most 40 characters) and prefix of its companions."
  type        = string

  validation {
    condition     = length(var.name) <= 40
    error_message = "ElastiCache replication group ids are at most 40 characters."
  }
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets of the cache nodes."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups (a static name => group id, so the plan knows the rules before the groups exist) allowed to connect on the Redis port (the service's)."
  type        = map(string)
}

variable "auth_token" {
  description = "AUTH token (16-128 characters), from the secrets module; TLS in transit is always on, AUTH requires it."
  type        = string
  sensitive   = true
}

variable "node" {
  description = "Node type, engine version, node count (primary + replicas) and failover."
  type = object({
    type               = optional(string, "cache.t4g.small")
    engine_version     = optional(string, "7.1")
    count              = optional(number, 1)
    automatic_failover = optional(bool, false)
  })
  default = {}

  validation {
    condition     = !var.node.automatic_failover || var.node.count >= 2
    error_message = "Automatic failover needs at least one replica (count >= 2)."
  }
}

variable "snapshot_retention_days" {
  description = "Days of automatic snapshots."
  type        = number
  default     = 3
}

variable "secret_kms_key_arn" {
  description = "KMS key of the secret that holds the service's rediss:// URL."
  type        = string
}

variable "secret_recovery_window_days" {
  description = "Days the URL secret can be restored after deletion (0 = at once: dev and tests)."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
