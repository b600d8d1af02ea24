mock_provider "aws" {}

variables {
  name                    = "bo-test"
  vpc_id                  = "vpc-12345678"
  subnet_ids              = ["subnet-a", "subnet-b"]
  allowed_security_groups = { service = "sg-0123456789abcdef0" }
}

run "private_encrypted_managed_password" {
  command = plan

  assert {
    condition     = aws_db_instance.this.publicly_accessible == false
    error_message = "The database is never publicly accessible."
  }
  assert {
    condition     = aws_db_instance.this.storage_encrypted == true
    error_message = "Storage is encrypted with the module's KMS key."
  }
  assert {
    condition     = aws_db_instance.this.manage_master_user_password == true && aws_db_instance.this.password == null
    error_message = "RDS manages the master password in Secrets Manager; no password in the configuration."
  }
  assert {
    condition     = aws_db_instance.this.engine == "postgres" && startswith(aws_db_instance.this.engine_version, "15")
    error_message = "PostgreSQL 15."
  }
  assert {
    condition     = aws_db_instance.this.performance_insights_enabled == true
    error_message = "Performance Insights is on."
  }
  assert {
    condition = (length(aws_vpc_security_group_ingress_rule.this) == 1 &&
      aws_vpc_security_group_ingress_rule.this["service"].referenced_security_group_id == "sg-0123456789abcdef0" &&
      aws_vpc_security_group_ingress_rule.this["service"].cidr_ipv4 == null &&
    aws_vpc_security_group_ingress_rule.this["service"].from_port == 5432)
    error_message = "Ingress only on 5432 and only from the given security group, never a CIDR."
  }
  assert {
    condition = length([for p in aws_db_parameter_group.this.parameter : p if p.name == "rds.force_ssl" && p.value == "1"]) == 1 && length([for p in aws_db_parameter_group.this.parameter : p
    if p.name == "log_min_duration_statement" && p.value == "250"]) == 1
    error_message = "The parameter group forces TLS and logs statements slower than 250 ms."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "The KMS key rotates."
  }
}

run "protected_by_default" {
  command = plan

  assert {
    condition     = aws_db_instance.this.deletion_protection == true && aws_db_instance.this.skip_final_snapshot == false && aws_db_instance.this.final_snapshot_identifier == "bo-test-final"
    error_message = "By default the database is protected from deletion and leaves a final snapshot."
  }
  assert {
    condition     = aws_db_instance.this.backup_retention_period == 7
    error_message = "Backups on (point-in-time recovery)."
  }
}

run "prod_settings" {
  command = plan

  variables {
    instance              = { multi_az = true }
    backup_retention_days = 30
  }

  assert {
    condition     = aws_db_instance.this.multi_az == true && aws_db_instance.this.backup_retention_period == 30
    error_message = "Multi-AZ with 30 days of backups."
  }
}

run "dev_can_be_destroyed" {
  command = plan

  variables {
    deletion_protection = false
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection == false && aws_db_instance.this.skip_final_snapshot == true
    error_message = "Without deletion protection no final snapshot is requested."
  }
}

run "backups_cannot_be_turned_off" {
  command = plan

  variables {
    backup_retention_days = 0
  }

  expect_failures = [var.backup_retention_days]
}
