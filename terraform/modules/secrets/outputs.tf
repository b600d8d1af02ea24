output "jwt_secret_arn" {
  description = "Secret holding BOXOFFICE_JWT_SECRET."
  value       = aws_secretsmanager_secret.jwt.arn
}

output "ticket_signing_key_secret_arn" {
  description = "Secret holding BOXOFFICE_TICKET_SIGNING_KEY (base64 of a 32-byte Ed25519 seed)."
  value       = aws_secretsmanager_secret.ticket_signing.arn
}

output "redis_auth_secret_arn" {
  description = "Secret holding the ElastiCache AUTH token."
  value       = aws_secretsmanager_secret.redis_auth.arn
}

output "redis_auth_token" {
  description = "The ElastiCache AUTH token (stable after the first apply), for the replication group."
  value       = aws_secretsmanager_secret_version.redis_auth.secret_string
  sensitive   = true
}

output "kms_key_arn" {
  description = "KMS key of the secrets."
  value       = aws_kms_key.this.arn
}

output "execution_role_arn" {
  description = "ECS task execution role."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "ECS task role."
  value       = aws_iam_role.task.arn
}
