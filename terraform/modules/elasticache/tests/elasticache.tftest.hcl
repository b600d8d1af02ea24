mock_provider "aws" {
  mock_resource "aws_elasticache_replication_group" {
    defaults = {
      primary_endpoint_address = "master.bo-test.abc123.euw1.cache.amazonaws.com"
    }
  }
}

variables {
  name                    = "bo-test"
  vpc_id                  = "vpc-12345678"
  subnet_ids              = ["subnet-a", "subnet-b"]
  allowed_security_groups = { service = "sg-0123456789abcdef0" }
  auth_token              = "0123456789abcdef0123456789abcdef"
  secret_kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000"
}

run "tls_auth_encrypted" {
  command = apply

  assert {
    condition     = aws_elasticache_replication_group.this.transit_encryption_enabled == true
    error_message = "TLS in transit (required for AUTH)."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.auth_token == var.auth_token
    error_message = "The AUTH token from the secrets module is set."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.at_rest_encryption_enabled == "true"
    error_message = "Encrypted at rest with the module's KMS key."
  }
  assert {
    condition     = aws_elasticache_replication_group.this.snapshot_retention_limit == 3
    error_message = "Snapshots are kept 3 days."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.url.secret_string == "rediss://:0123456789abcdef0123456789abcdef@master.bo-test.abc123.euw1.cache.amazonaws.com:6379"
    error_message = "The service's URL is rediss:// (TLS) with the token, to the primary endpoint."
  }
  assert {
    condition = (length(aws_vpc_security_group_ingress_rule.this) == 1 &&
      aws_vpc_security_group_ingress_rule.this["service"].referenced_security_group_id == "sg-0123456789abcdef0" &&
    aws_vpc_security_group_ingress_rule.this["service"].cidr_ipv4 == null)
    error_message = "Ingress only from the service's security group."
  }
}

run "failover_in_prod" {
  command = plan

  variables {
    node = { count = 2, automatic_failover = true }
  }

  assert {
    condition     = aws_elasticache_replication_group.this.automatic_failover_enabled && aws_elasticache_replication_group.this.multi_az_enabled && aws_elasticache_replication_group.this.num_cache_clusters == 2
    error_message = "Prod: a replica, automatic failover and Multi-AZ."
  }
}

run "failover_without_replica_is_refused" {
  command = plan

  variables {
    node = { count = 1, automatic_failover = true }
  }

  expect_failures = [var.node]
}
