output "primary_endpoint" {
  description = "Primary endpoint (follows failover)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "url_secret_arn" {
  description = "Secret holding BOXOFFICE_REDIS_URL."
  value       = aws_secretsmanager_secret.url.arn
}

output "member_clusters" {
  description = "Node ids (CloudWatch dimension CacheClusterId)."
  value       = aws_elasticache_replication_group.this.member_clusters
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}

output "replication_group_id" {
  description = "Replication group id."
  value       = aws_elasticache_replication_group.this.id
}
