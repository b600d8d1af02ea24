mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/bo-test"
    }
  }
}

variables {
  name               = "bo-test"
  region             = "eu-west-1"
  vpc_id             = "vpc-12345678"
  private_subnet_ids = ["subnet-a", "subnet-b"]
  image              = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/bo-test:abc123"
  alb = {
    security_group_id       = "sg-0a1b0a1b0a1b0a1b0"
    target_group_arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/bo-test-tg/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/bo-test-tg/0123456789abcdef"
    arn_suffix              = "app/bo-test/0123456789abcdef"
  }
  dependencies = {
    database_security_group_id  = "sg-0db0db0db0db0db00"
    redis_security_group_id     = "sg-0ca0ca0ca0ca0ca00"
    endpoints_security_group_id = "sg-0e00e00e00e00e000"
    s3_prefix_list_id           = "pl-6da54004"
  }
  iam = {
    execution_role_arn = "arn:aws:iam::123456789012:role/bo-test-execution"
    task_role_arn      = "arn:aws:iam::123456789012:role/bo-test-task"
  }
  database_url  = "postgresql://boxoffice@db.example:5432/boxoffice?sslmode=require"
  sqs_queue_url = "https://sqs.eu-west-1.amazonaws.com/123456789012/bo-test-notifications"
  secrets = {
    BOXOFFICE_JWT_SECRET         = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:jwt-AbCdEf"
    BOXOFFICE_TICKET_SIGNING_KEY = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ticket-signing-key-AbCdEf"
    BOXOFFICE_REDIS_URL          = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redis-url-AbCdEf"
    PGPASSWORD                   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-AbCdEf:password::"
  }
  metrics_collector = { enabled = true, config = "receivers: {}" }
  load_task         = { base_url = "https://tickets.example.com" }
}

run "task_definition" {
  command = apply

  assert {
    condition = (jsondecode(aws_ecs_task_definition.service.container_definitions)[0].name == "boxoffice" &&
      jsondecode(aws_ecs_task_definition.service.container_definitions)[0].command == ["serve"] &&
    jsondecode(aws_ecs_task_definition.service.container_definitions)[0].image == var.image)
    error_message = "The service container runs `serve` from the given image."
  }
  assert {
    condition = toset([for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s.name]) == toset(["BOXOFFICE_JWT_SECRET", "BOXOFFICE_TICKET_SIGNING_KEY", "BOXOFFICE_REDIS_URL", "PGPASSWORD"]) && alltrue([for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets :
    startswith(s.valueFrom, "arn:aws:secretsmanager:")])
    error_message = "Secrets come from Secrets Manager."
  }
  assert {
    condition = length(setintersection(toset([for e in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment : e.name]),
    toset(["BOXOFFICE_JWT_SECRET", "BOXOFFICE_TICKET_SIGNING_KEY", "BOXOFFICE_REDIS_URL", "PGPASSWORD"]))) == 0
    error_message = "No secret is a plain environment value."
  }
  assert {
    condition = alltrue([for e in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment :
    !can(regex("postgresql://[^@/]*:[^@/]*@", e.value))])
    error_message = "The database URL carries no password."
  }
  assert {
    condition = toset([for e in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment : e.name if contains([
      "BOXOFFICE_DATABASE_URL", "BOXOFFICE_SQS_QUEUE_URL", "BOXOFFICE_PORT", "BOXOFFICE_METRICS_PORT", "BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT",
      "BOXOFFICE_SHUTDOWN_GRACE", "BOXOFFICE_SHUTDOWN_TIMEOUT", "BOXOFFICE_AUTO_MIGRATE"], e.name)]) == toset([
      "BOXOFFICE_DATABASE_URL", "BOXOFFICE_SQS_QUEUE_URL", "BOXOFFICE_PORT", "BOXOFFICE_METRICS_PORT", "BOXOFFICE_HTTP_KEEPALIVE_TIMEOUT",
    "BOXOFFICE_SHUTDOWN_GRACE", "BOXOFFICE_SHUTDOWN_TIMEOUT", "BOXOFFICE_AUTO_MIGRATE"])
    error_message = "The task sets every BOXOFFICE_* setting the deployment depends on."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.service.container_definitions)[0].stopTimeout >= 25
    error_message = "stopTimeout covers the shutdown grace + timeout (5 s + 20 s)."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.service.container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The root filesystem is read-only."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.service.container_definitions)[0].logConfiguration.logDriver == "awslogs" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "Logs go to CloudWatch with a retention."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.service.container_definitions)[1].name == "adot-collector" &&
    jsondecode(aws_ecs_task_definition.service.container_definitions)[1].essential == false)
    error_message = "The ADOT collector runs beside the service and cannot stop it."
  }
  assert {
    condition     = jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].command == ["migrate", "up"]
    error_message = "The migrate task runs `boxoffice migrate up`."
  }
  assert {
    condition     = toset([for s in jsondecode(aws_ecs_task_definition.migrate.container_definitions)[0].secrets : s.name]) == toset(["BOXOFFICE_JWT_SECRET", "PGPASSWORD"])
    error_message = "The migrate task gets the database password and the JWT secret (config validation needs it), not Redis."
  }
  assert {
    condition = (jsondecode(aws_ecs_task_definition.load[0].container_definitions)[0].entryPoint == ["/usr/local/bin/boxoffice-load"] &&
      jsondecode(aws_ecs_task_definition.load[0].container_definitions)[0].command == ["--preset", "ci", "--base", "https://tickets.example.com", "--quiet"] &&
    jsondecode(aws_ecs_task_definition.load[0].container_definitions)[0].image == var.image)
    error_message = "The load task runs boxoffice-load from the same image against the public URL."
  }
  assert {
    condition     = [for s in jsondecode(aws_ecs_task_definition.load[0].container_definitions)[0].secrets : s.name] == ["BOXOFFICE_JWT_SECRET"] && jsondecode(aws_ecs_task_definition.load[0].container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The load task gets the JWT secret only, on a read-only root."
  }
  assert {
    condition     = aws_vpc_security_group_egress_rule.load_https[0].from_port == 443 && aws_vpc_security_group_egress_rule.load_https[0].to_port == 443 && aws_vpc_security_group_ingress_rule.endpoints_from_load[0].referenced_security_group_id == aws_security_group.load[0].id
    error_message = "The load tasks may only speak HTTPS out, and the endpoints admit their group."
  }
}

run "no_load_task" {
  command = plan

  variables {
    load_task = null
  }

  assert {
    condition     = length(aws_ecs_task_definition.load) == 0 && length(aws_security_group.load) == 0
    error_message = "Without load_task there is no load task definition or group."
  }
}

run "service_and_network" {
  command = apply

  assert {
    condition     = aws_ecs_service.this.network_configuration[0].assign_public_ip == false
    error_message = "Tasks get no public IP."
  }
  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "A failed deployment rolls back."
  }
  assert {
    condition     = [for s in aws_ecs_service.this.capacity_provider_strategy : s.capacity_provider] == ["FARGATE"]
    error_message = "On-demand Fargate by default."
  }
  assert {
    condition     = [for s in aws_ecs_cluster.this.setting : s.value if s.name == "containerInsights"] == ["enabled"]
    error_message = "Container Insights is on."
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.from_alb.referenced_security_group_id == var.alb.security_group_id && aws_vpc_security_group_ingress_rule.from_alb.cidr_ipv4 == null
    error_message = "The service admits the ALB's security group only."
  }
  assert {
    condition     = aws_ecs_service.this.enable_execute_command == false && aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.max_capacity == 20
    error_message = "ECS Exec off and 2-20 tasks by default."
  }
  assert {
    condition     = aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "app/bo-test/0123456789abcdef/targetgroup/bo-test-tg/0123456789abcdef"
    error_message = "Requests per target are tracked on the service's target group."
  }
}

run "spot_for_dev" {
  command = plan

  variables {
    capacity = { use_spot = true, desired = 1, min = 1, max = 4 }
  }

  assert {
    condition     = [for s in aws_ecs_service.this.capacity_provider_strategy : s.capacity_provider] == ["FARGATE_SPOT"] && contains(aws_ecs_cluster_capacity_providers.this.capacity_providers, "FARGATE_SPOT")
    error_message = "Dev may run on FARGATE_SPOT."
  }
}

run "min_above_max_is_refused" {
  command = plan

  variables {
    capacity = { min = 5, max = 2 }
  }

  expect_failures = [var.capacity]
}

# Payments: the default is the dev provider with no payment secret at all; stripe adds exactly its
# two secrets (valueFrom the operator's ARNs) to the service container, and nothing to the others.
run "payments_default_dev_no_payment_secret" {
  command = apply

  assert {
    condition = (contains(jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment, { name = "BOXOFFICE_PAYMENTS_PROVIDER", value = "dev" }) &&
    length([for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s if can(regex("STRIPE|WEBHOOK", s.name))]) == 0)
    error_message = "By default the provider is dev and the task definition carries no payment secret."
  }
}

run "payments_stripe_secrets_from_arns" {
  command = apply

  variables {
    payments = {
      provider = "stripe"
      stripe = {
        secret_key_arn      = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-secret-key-AbCdEf"
        webhook_secrets_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-webhook-secrets-AbCdEf"
      }
    }
  }

  assert {
    condition = ([for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s if can(regex("STRIPE|WEBHOOK", s.name))] == [
      { name = "BOXOFFICE_STRIPE_SECRET_KEY", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-secret-key-AbCdEf" },
      { name = "BOXOFFICE_STRIPE_WEBHOOK_SECRETS", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-webhook-secrets-AbCdEf" },
    ])
    error_message = "With stripe the service container reads BOXOFFICE_STRIPE_SECRET_KEY and BOXOFFICE_STRIPE_WEBHOOK_SECRETS from the given secrets."
  }
  assert {
    condition     = length(jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets) == 6
    error_message = "The stack's four secrets stay, plus Stripe's two."
  }
  assert {
    condition     = contains(jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment, { name = "BOXOFFICE_PAYMENTS_PROVIDER", value = "stripe" })
    error_message = "BOXOFFICE_PAYMENTS_PROVIDER=stripe is a plain environment variable."
  }
  assert {
    condition = !strcontains(jsonencode(jsondecode(aws_ecs_task_definition.service.container_definitions)[0].environment), "stripe-secret-key") && alltrue([
      for c in concat(jsondecode(aws_ecs_task_definition.migrate.container_definitions), jsondecode(aws_ecs_task_definition.load[0].container_definitions)) :
    !strcontains(jsonencode(c), "STRIPE")])
    error_message = "No Stripe secret in the plain environment, the migrate task or the load task."
  }
}

run "payments_dev_webhook_secret" {
  command = apply

  variables {
    payments = { dev_webhook_secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/dev-webhook-AbCdEf" }
  }

  assert {
    condition = ([for s in jsondecode(aws_ecs_task_definition.service.container_definitions)[0].secrets : s if can(regex("STRIPE|WEBHOOK", s.name))] == [
    { name = "BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET", valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/dev-webhook-AbCdEf" }])
    error_message = "The dev provider's webhook secret comes from its secret when given."
  }
}

run "payments_stripe_without_arns_is_refused" {
  command = plan
  variables {
    payments = { provider = "stripe" }
  }
  expect_failures = [var.payments]
}

run "payments_unknown_provider_is_refused" {
  command = plan
  variables {
    payments = { provider = "paypal" }
  }
  expect_failures = [var.payments]
}

run "payments_json_key_reference_is_refused" {
  command = plan
  variables {
    payments = {
      provider = "stripe"
      stripe = {
        secret_key_arn      = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-AbCdEf:secret_key::"
        webhook_secrets_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-webhook-secrets-AbCdEf"
      }
    }
  }
  expect_failures = [var.payments]
}
