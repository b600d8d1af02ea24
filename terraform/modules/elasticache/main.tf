resource "aws_kms_key" "this" {
  description             = "${var.name}: ElastiCache at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  tags                    = var.tags
}

resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-redis"
  description = "Redis of ${var.name}: only from the service"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-redis" })
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each                     = var.allowed_security_groups
  security_group_id            = aws_security_group.this.id
  description                  = "Redis from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = each.value
}

# Cluster mode off: the service talks to one primary (hiredis has no cluster support); its Lua
# scripts keep every key of a show under one hash tag, so moving to cluster mode stays possible.
resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "boxoffice seat holds"
  engine               = "redis"
  engine_version       = var.node.engine_version
  node_type            = var.node.type
  port                 = 6379
  num_cache_clusters   = var.node.count
  parameter_group_name = "default.redis7"

  automatic_failover_enabled = var.node.automatic_failover
  multi_az_enabled           = var.node.automatic_failover

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  transit_encryption_enabled = true
  auth_token                 = var.auth_token
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:05:00-sun:06:00"
  auto_minor_version_upgrade = true
  apply_immediately          = true

  tags = var.tags
}

# The service reads one URL (BOXOFFICE_REDIS_URL): rediss:// = TLS, with the AUTH token as password.
resource "aws_secretsmanager_secret" "url" {
  name                    = "${var.name}/redis-url"
  description             = "BOXOFFICE_REDIS_URL (rediss:// with the AUTH token)"
  kms_key_id              = var.secret_kms_key_arn
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "url" {
  secret_id     = aws_secretsmanager_secret.url.id
  secret_string = "rediss://:${var.auth_token}@${aws_elasticache_replication_group.this.primary_endpoint_address}:6379"
}
