# boxoffice, prod: three AZs with a NAT each, on-demand Fargate 2-20 tasks, Multi-AZ PostgreSQL with
# 30 days of backups, deletion protection and a final snapshot, Redis with a replica and automatic
# failover, long retention.
locals {
  rules_dir   = "${path.module}/../../../dashboards/prometheus"
  tags        = merge({ Project = "boxoffice", Environment = "prod", ManagedBy = "terraform" }, var.tags)
  redis_nodes = 2
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}

module "network" {
  source             = "../../modules/network"
  name               = var.name
  region             = var.region
  azs                = var.azs
  single_nat_gateway = false
  flow_logs          = { retention_days = 90 }
}

module "ecr" {
  source       = "../../modules/ecr"
  name         = var.name
  force_delete = false
}

module "alb" {
  source              = "../../modules/alb"
  name                = var.name
  vpc_id              = module.network.vpc_id
  public_subnet_ids   = module.network.public_subnet_ids
  certificate_arn     = var.certificate_arn
  domain_name         = var.domain_name
  access_logs         = { retention_days = 365, force_destroy = false }
  deletion_protection = true
  api_gateway         = { enabled = var.enable_api_gateway }
}

module "waf" {
  source             = "../../modules/waf"
  name               = var.name
  alb_arn            = module.alb.arn
  rate_limit         = var.waf_rate_limit
  log_retention_days = 90
}

module "sqs" {
  source = "../../modules/sqs"
  name   = "${var.name}-notifications"
}

module "secrets" {
  source                       = "../../modules/secrets"
  name                         = var.name
  recovery_window_days         = 30
  kms_key_deletion_window_days = 30
  execution_role = {
    ecr_repository_arn = module.ecr.repository_arn
    log_group_arn      = module.service.log_group_arn
    extra_secret_arns  = [module.rds.master_user_secret_arn, module.elasticache.url_secret_arn]
    extra_kms_key_arns = [module.rds.kms_key_arn]
  }
  payments = var.payments # the execution role may read the payment provider's secrets
  task_role = {
    sqs_send_policy_json = module.sqs.send_policy_json
    amp_remote_write     = true
    amp_workspace_arn    = module.observability.workspace_arn
    enable_execute       = false
  }
}

module "rds" {
  source                  = "../../modules/rds"
  name                    = var.name
  vpc_id                  = module.network.vpc_id
  subnet_ids              = module.network.database_subnet_ids
  allowed_security_groups = { service = module.service.security_group_id }
  instance                = { class = "db.r6g.large", allocated_storage = 100, max_allocated_storage = 1000, multi_az = true }
  backup_retention_days   = 30
  deletion_protection     = true
  max_connections         = 800
}

module "elasticache" {
  source                      = "../../modules/elasticache"
  name                        = var.name
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.database_subnet_ids
  allowed_security_groups     = { service = module.service.security_group_id }
  auth_token                  = module.secrets.redis_auth_token
  node                        = { type = "cache.r7g.large", count = local.redis_nodes, automatic_failover = true }
  secret_kms_key_arn          = module.secrets.kms_key_arn
  secret_recovery_window_days = 30
}

module "service" {
  source             = "../../modules/ecs_service"
  name               = var.name
  region             = var.region
  vpc_id             = module.network.vpc_id
  private_subnet_ids = module.network.private_subnet_ids
  image              = "${module.ecr.repository_url}:${var.image_tag}"
  cpu                = 2048
  memory             = 4096
  alb = {
    security_group_id       = module.alb.security_group_id
    target_group_arn        = module.alb.target_group_arn
    target_group_arn_suffix = module.alb.target_group_arn_suffix
    arn_suffix              = module.alb.arn_suffix
  }
  dependencies = {
    database_security_group_id  = module.rds.security_group_id
    redis_security_group_id     = module.elasticache.security_group_id
    endpoints_security_group_id = module.network.endpoints_security_group_id
    s3_prefix_list_id           = module.network.s3_prefix_list_id
  }
  iam = {
    execution_role_arn = module.secrets.execution_role_arn
    task_role_arn      = module.secrets.task_role_arn
  }
  database_url  = module.rds.database_url
  sqs_queue_url = module.sqs.queue_url
  secrets = {
    BOXOFFICE_JWT_SECRET         = module.secrets.jwt_secret_arn
    BOXOFFICE_TICKET_SIGNING_KEY = module.secrets.ticket_signing_key_secret_arn
    BOXOFFICE_REDIS_URL          = module.elasticache.url_secret_arn
    PGPASSWORD                   = "${module.rds.master_user_secret_arn}:password::"
  }
  payments = var.payments # BOXOFFICE_PAYMENTS_PROVIDER and, for stripe, its two secrets (valueFrom)
  environment = {
    BOXOFFICE_HTTP_THREADS      = "2"
    BOXOFFICE_DB_POOL_SIZE      = "16"
    BOXOFFICE_ACCESS_LOG_SAMPLE = "0.05"
  }
  capacity               = { use_spot = false, desired = 2, min = 2, max = 20 }
  log_retention_days     = 90
  enable_execute_command = false
  metrics_collector      = { enabled = true, config = module.observability.collector_config }
  # boxoffice-load as a one-off task against the ALB (terraform/README.md, "A flash sale against the ALB").
  load_task = { base_url = module.alb.url }
}

module "observability" {
  source      = "../../modules/observability"
  name        = var.name
  region      = var.region
  rule_files  = { for f in fileset(local.rules_dir, "*.yaml") : "boxoffice-${trimsuffix(f, ".yaml")}" => file("${local.rules_dir}/${f}") }
  alarm_email = var.alarm_email
  targets = {
    cluster_name            = module.service.cluster_name
    service_name            = module.service.service_name
    alb_arn_suffix          = module.alb.arn_suffix
    target_group_arn_suffix = module.alb.target_group_arn_suffix
    db_instance_identifier  = module.rds.identifier
    cache_cluster_ids       = [for i in range(local.redis_nodes) : format("%s-%03d", var.name, i + 1)]
    dlq_name                = module.sqs.dlq_name
  }
}
