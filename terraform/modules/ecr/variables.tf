variable "name" {
  description = "Repository name (for example boxoffice)."
  type        = string
}

variable "keep_images" {
  description = "Tagged images kept by the lifecycle policy (older ones expire; rollback targets must be among them)."
  type        = number
  default     = 30
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images expire."
  type        = number
  default     = 7
}

variable "kms_key_arn" {
  description = "KMS key for image encryption; null = AES256 (ECR-managed)."
  type        = string
  default     = null
}

variable "force_delete" {
  description = "Delete the repository even when it holds images (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
