variable "name" {
  description = "Name of the notifications queue; the dead-letter queue is NAME-dlq."
  type        = string
}

variable "visibility_timeout_seconds" {
  description = "Seconds a received message stays invisible to other consumers."
  type        = number
  default     = 300
}

variable "max_receive_count" {
  description = "Receives before a message moves to the dead-letter queue."
  type        = number
  default     = 5
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message (the dead-letter queue keeps it 14 days)."
  type        = number
  default     = 345600
}

variable "kms_key_arn" {
  description = "KMS key for server-side encryption; null = SQS-managed SSE (SSE-SQS)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
