locals {
  stop_timeout = var.shutdown.grace_seconds + var.shutdown.timeout_seconds + 5

  environment = merge({
    BOXOFFICE_PORT                   = tostring(var.container_port)
    BOXOFFICE_METRICS_PORT           = tostring(var.metrics_port)
    BOXOFFICE_DATABASE_URL           = var.database_url
    BOXOFFICE_SQS_QUEUE_URL          = var.sqs_queue_url
    BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT = "${var.keepalive_seconds}s"
    BOXOFFICE_SHUTDOWN_GRACE         = "${var.shutdown.grace_seconds}s"
    BOXOFFICE_SHUTDOWN_TIMEOUT       = "${var.shutdown.timeout_seconds}s"
    BOXOFFICE_AUTO_MIGRATE           = "false" # the migrate task does it, once per deploy
    BOXOFFICE_LOG_LEVEL              = "info"
  }, var.environment, { BOXOFFICE_PAYMENTS_PROVIDER = var.payments.provider })

  # The payment provider's secrets, only those of the provider configured (variables.tf validates
  # that stripe comes with its ARNs): Stripe's key and webhook secrets, or the dev webhook secret.
  payment_secrets = merge(
    var.payments.provider == "stripe" ? tomap({
      BOXOFFICE_STRIPE_SECRET_KEY      = var.payments.stripe.secret_key_arn
      BOXOFFICE_STRIPE_WEBHOOK_SECRETS = var.payments.stripe.webhook_secrets_arn
    }) : tomap({}),
    var.payments.provider == "dev" && var.payments.dev_webhook_secret_arn != null ? tomap({
      BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET = var.payments.dev_webhook_secret_arn
    }) : tomap({}),
  )
  service_secrets = merge(var.secrets, local.payment_secrets)

  env_list     = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
  secrets_list = [for k in sort(keys(local.service_secrets)) : { name = k, valueFrom = local.service_secrets[k] }]

  log_config = {
    logDriver = "awslogs"
    options = {
      awslogs-group         = aws_cloudwatch_log_group.this.name
      awslogs-region        = var.region
      awslogs-stream-prefix = "boxoffice"
    }
  }

  service_container = {
    name                   = "boxoffice"
    image                  = var.image
    essential              = true
    command                = ["serve"]
    portMappings           = [{ containerPort = var.container_port, protocol = "tcp" }]
    environment            = local.env_list
    secrets                = local.secrets_list
    stopTimeout            = local.stop_timeout
    readonlyRootFilesystem = true
    ulimits                = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
    logConfiguration       = local.log_config
    # No container health check: the image has no shell or curl, and the ALB's /readyz check is
    # the one that decides (a failing target is replaced by the service scheduler).
  }

  collector_container = {
    name        = "adot-collector"
    image       = var.metrics_collector.image
    essential   = false # losing metrics must not stop sales
    environment = [{ name = "AOT_CONFIG_CONTENT", value = var.metrics_collector.config }]
    logConfiguration = merge(local.log_config, {
      options = merge(local.log_config.options, { awslogs-stream-prefix = "adot" })
    })
  }

  containers = concat([local.service_container], var.metrics_collector.enabled ? [local.collector_container] : [])

  # The migrate task: the same image and database settings, `boxoffice migrate up`, nothing else.
  migrate_secret_names = [for k in keys(var.secrets) : k if k == "PGPASSWORD" || k == "BOXOFFICE_JWT_SECRET"]
  migrate_container = {
    name      = "migrate"
    image     = var.image
    essential = true
    command   = ["migrate", "up"]
    environment = [
      { name = "BOXOFFICE_DATABASE_URL", value = var.database_url },
    ]
    secrets          = [for k in sort(local.migrate_secret_names) : { name = k, valueFrom = var.secrets[k] }]
    logConfiguration = merge(local.log_config, { options = merge(local.log_config.options, { awslogs-stream-prefix = "migrate" }) })
  }

  # The load task: the image's second binary, boxoffice-load, against the public HTTPS URL, with the
  # JWT secret only (it mints its users' tokens and creates its own show through the admin API).
  # ECS overrides only `command`, never the entrypoint: hence a task definition of its own.
  load_enabled = var.load_task != null
  load_container = local.load_enabled ? {
    name                   = "load"
    image                  = var.image
    essential              = true
    entryPoint             = ["/usr/local/bin/boxoffice-load"]
    command                = ["--preset", "ci", "--base", var.load_task.base_url, "--quiet"]
    secrets                = [{ name = "BOXOFFICE_JWT_SECRET", valueFrom = var.secrets["BOXOFFICE_JWT_SECRET"] }]
    readonlyRootFilesystem = true
    ulimits                = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
    logConfiguration       = merge(local.log_config, { options = merge(local.log_config.options, { awslogs-stream-prefix = "load" }) })
  } : null
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = var.capacity.use_spot ? ["FARGATE", "FARGATE_SPOT"] : ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = var.capacity.use_spot ? "FARGATE_SPOT" : "FARGATE"
    weight            = 1
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-service"
  description = "boxoffice tasks: in from the ALB only, out to their dependencies"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-service" })
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.this.id
  description                  = "Service port from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.alb.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "alb_to_service" {
  security_group_id            = var.alb.security_group_id
  description                  = "ALB to the service port"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "to_database" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.dependencies.database_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "to_redis" {
  security_group_id            = aws_security_group.this.id
  description                  = "Redis (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = var.dependencies.redis_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "to_endpoints" {
  security_group_id            = aws_security_group.this.id
  description                  = "AWS APIs through the interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.dependencies.endpoints_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_service" {
  security_group_id            = var.dependencies.endpoints_security_group_id
  description                  = "Interface endpoints from the service"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.this.id
}

resource "aws_vpc_security_group_egress_rule" "to_s3" {
  security_group_id = aws_security_group.this.id
  description       = "ECR image layers from S3 (gateway endpoint)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = var.dependencies.s3_prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "internet_https" {
  count             = var.internet_egress_https ? 1 : 0
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to the internet through the NAT"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_ecs_task_definition" "service" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = var.iam.execution_role_arn
  task_role_arn            = var.iam.task_role_arn
  container_definitions    = jsonencode(local.containers)

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  tags = var.tags
}

resource "aws_ecs_task_definition" "migrate" {
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = var.iam.execution_role_arn
  task_role_arn            = var.iam.task_role_arn
  container_definitions    = jsonencode([local.migrate_container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  tags = var.tags
}

resource "aws_ecs_task_definition" "load" {
  count                    = local.load_enabled ? 1 : 0
  family                   = "${var.name}-load"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.load_task.cpu
  memory                   = var.load_task.memory
  execution_role_arn       = var.iam.execution_role_arn
  task_role_arn            = var.iam.task_role_arn
  container_definitions    = jsonencode([local.load_container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  tags = var.tags
}

# The load task's own group: it needs neither the database nor Redis, only HTTPS out (the ALB's
# public address through the NAT, ECR, Secrets Manager and Logs through the endpoints, S3).
resource "aws_security_group" "load" {
  count       = local.load_enabled ? 1 : 0
  name        = "${var.name}-load"
  description = "boxoffice-load one-off tasks: HTTPS out to the ALB and the AWS APIs, nothing in"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-load" })
}

resource "aws_vpc_security_group_egress_rule" "load_https" {
  count             = local.load_enabled ? 1 : 0
  security_group_id = aws_security_group.load[0].id
  description       = "HTTPS: the ALB's public address through the NAT, the interface endpoints, S3"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_load" {
  count                        = local.load_enabled ? 1 : 0
  security_group_id            = var.dependencies.endpoints_security_group_id
  description                  = "Interface endpoints from the load tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.load[0].id
}

resource "aws_ecs_service" "this" {
  name                   = var.name
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.service.arn
  desired_count          = var.capacity.desired
  enable_execute_command = var.enable_execute_command
  propagate_tags         = "SERVICE"

  capacity_provider_strategy {
    capacity_provider = var.capacity.use_spot ? "FARGATE_SPOT" : "FARGATE"
    weight            = 1
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.alb.target_group_arn
    container_name   = "boxoffice"
    container_port   = var.container_port
  }

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 30

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Autoscaling owns the count after creation; scripts/deploy.sh owns which task definition runs
  # (it registers a revision from the one Terraform wrote, with the new image, and rolls to it).
  lifecycle {
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [aws_ecs_cluster_capacity_providers.this]
  tags       = var.tags
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.capacity.min
  max_capacity       = var.capacity.max
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.capacity.cpu_target_percent
    scale_in_cooldown  = var.capacity.scale_in_cooldown_sec
    scale_out_cooldown = var.capacity.scale_out_cooldown_sec
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.capacity.requests_per_target
    scale_in_cooldown  = var.capacity.scale_in_cooldown_sec
    scale_out_cooldown = var.capacity.scale_out_cooldown_sec
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb.arn_suffix}/${var.alb.target_group_arn_suffix}"
    }
  }
}
