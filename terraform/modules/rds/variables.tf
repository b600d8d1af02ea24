variable "name" {
  description = "Identifier prefix of the instance and its companions."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Database subnets (no route out of the VPC), at least two AZs."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Security groups (a static name => group id, so the plan knows the rules before the groups exist) allowed to connect on the database port (the service's, the migrate task's)."
  type        = map(string)
}

variable "database_name" {
  description = "Database created at launch."
  type        = string
  default     = "boxoffice"
}

variable "master_username" {
  description = "Master user; its password is generated and rotated by RDS in Secrets Manager."
  type        = string
  default     = "boxoffice"
}

variable "instance" {
  description = "Size and storage of the instance."
  type = object({
    class                 = optional(string, "db.t4g.medium")
    engine_version        = optional(string, "15")
    allocated_storage     = optional(number, 50)
    max_allocated_storage = optional(number, 200)
    multi_az              = optional(bool, false)
  })
  default = {}
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window): 30 in prod, 7 in dev."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "Backups must be on (1-35 days): point-in-time recovery depends on them."
  }
}

variable "deletion_protection" {
  description = "Deletion protection and a final snapshot on destroy (prod)."
  type        = bool
  default     = true
}

variable "slow_statement_ms" {
  description = "log_min_duration_statement: statements slower than this are logged."
  type        = number
  default     = 250
}

variable "max_connections" {
  description = "max_connections of the parameter group (each task opens BOXOFFICE_DB_POOL_SIZE connections)."
  type        = number
  default     = 400
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
