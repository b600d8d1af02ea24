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
