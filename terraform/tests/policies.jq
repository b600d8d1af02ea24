# Policy checks over `terraform show -json PLAN` of an env. Prints one line per violation (nothing
# when the plan is clean). --arg env dev|prod selects the env-specific expectations.
# Values known only after apply appear in after_unknown; a check that needs such a value accepts
# "unknown" only where the value is an id or ARN computed by AWS, never for a flag.
def rc(t): [.resource_changes[] | select(.type == t and (.change.actions | index("create")))];
def after: .change.after;
def unknown(k): (.change.after_unknown[k] // false) == true;
def fail(msg): "FAIL " + msg;
def expect(cond; msg): if cond then empty else fail(msg) end;
def one(t): rc(t) | if length == 1 then .[0] else error("expected exactly one \(t), got \(length)") end;
def prod: $env == "prod";

# Database
(one("aws_db_instance") as $db |
  expect($db | after.storage_encrypted == true; "RDS storage not encrypted"),
  expect($db | unknown("kms_key_id"); "RDS storage not encrypted with the stack's KMS key"),
  expect($db | after.publicly_accessible == false; "RDS publicly accessible"),
  expect($db | after.manage_master_user_password == true; "RDS master password not managed in Secrets Manager"),
  expect($db | after.password == null; "RDS master password given in the configuration"),
  expect($db | after.performance_insights_enabled == true; "RDS Performance Insights off"),
  expect($db | after.engine == "postgres" and (after.engine_version | startswith("15")); "RDS is not PostgreSQL 15"),
  expect($db | after.backup_retention_period == (if prod then 30 else 7 end); "RDS backup retention is \($db | after.backup_retention_period) days"),
  expect($db | after.multi_az == prod; "RDS multi_az should be \(prod)"),
  expect($db | after.deletion_protection == prod; "RDS deletion_protection should be \(prod)"),
  expect($db | after.skip_final_snapshot == (prod | not); "RDS final snapshot should be \(prod)")),
(one("aws_db_parameter_group") | after.parameter as $p |
  expect([$p[] | select(.name == "rds.force_ssl" and .value == "1")] | length == 1; "rds.force_ssl is not 1"),
  expect([$p[] | select(.name == "log_min_duration_statement")] | length == 1; "slow statements are not logged")),

# Redis
(one("aws_elasticache_replication_group") as $r |
  expect($r | after.transit_encryption_enabled == true; "ElastiCache without TLS in transit"),
  expect($r | (after.at_rest_encryption_enabled | tostring) == "true"; "ElastiCache not encrypted at rest"),
  expect($r | (unknown("auth_token") or ((after.auth_token // "") | length >= 16)); "ElastiCache without AUTH token"),
  expect($r | after.snapshot_retention_limit >= 3; "ElastiCache snapshots kept < 3 days"),
  expect($r | after.automatic_failover_enabled == prod and after.multi_az_enabled == prod; "ElastiCache failover/Multi-AZ should be \(prod)"),
  expect($r | after.num_cache_clusters == (if prod then 2 else 1 end); "ElastiCache node count")),

# Network: who may reach what
(rc("aws_vpc_security_group_ingress_rule")[] |
  if .address | startswith("module.alb.") then
    expect(after.from_port == 443 or after.from_port == 80; "ALB ingress on port \(after.from_port)")
  else
    expect(after.cidr_ipv4 == null and after.cidr_ipv6 == null and after.prefix_list_id == null; "\(.address) admits a CIDR; only the ALB may"),
    expect(unknown("referenced_security_group_id"); "\(.address) does not reference a security group")
  end),
(rc("aws_vpc_security_group_egress_rule")[] | select(after.cidr_ipv4 != null) |
  expect(after.cidr_ipv4 == "0.0.0.0/0" and after.from_port == 443 and after.to_port == 443; "\(.address) egress to a CIDR other than HTTPS")),
(rc("aws_security_group")[] | expect((after.ingress // []) | length == 0; "\(.address) has inline ingress rules")),
expect(rc("aws_nat_gateway") | length == (if prod then 3 else 1 end); "NAT gateways: \(rc("aws_nat_gateway") | length)"),
expect(rc("aws_subnet") | length == (if prod then 9 else 6 end); "subnets: \(rc("aws_subnet") | length)"),
expect([rc("aws_subnet")[] | select(after.map_public_ip_on_launch == true)] | length == 0; "a subnet gives out public IPs"),
expect(rc("aws_flow_log") | length == 1; "no VPC flow log"),
([rc("aws_vpc_endpoint")[] | after.service_name | sub("^com\\.amazonaws\\.[a-z0-9-]+\\."; "")] as $ep |
  ["s3", "ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs"][] as $want |
  expect($ep | index($want); "no VPC endpoint for \($want)")),

# ALB
(one("aws_lb") as $lb |
  expect($lb | after.internal == false; "ALB is not internet-facing"),
  expect($lb | after.drop_invalid_header_fields == true; "ALB keeps invalid header fields"),
  expect($lb | after.idle_timeout == 60; "ALB idle timeout is not 60 s"),
  expect($lb | after.enable_deletion_protection == prod; "ALB deletion protection should be \(prod)"),
  expect($lb | (after.access_logs | length == 1) and after.access_logs[0].enabled == true; "ALB access logs off")),
(rc("aws_lb_listener") as $l |
  expect([$l[] | select(after.protocol == "HTTPS" and (after.ssl_policy | test("TLS13-1-2|TLS-1-2")))] | length == 1; "no HTTPS listener with a TLS 1.2+ policy"),
  expect([$l[] | select(after.protocol == "HTTP" and after.default_action[0].type == "redirect" and after.default_action[0].redirect[0].protocol == "HTTPS")] | length == 1; "HTTP is not redirected to HTTPS")),
(one("aws_lb_target_group") as $tg |
  expect($tg | after.health_check[0].path == "/readyz"; "target group health check is not /readyz"),
  expect($tg | (after.deregistration_delay | tonumber) > 25; "deregistration delay not above the service's shutdown (25 s)")),
(rc("aws_s3_bucket_server_side_encryption_configuration")[] |
  expect(after.rule[0].apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"; "log bucket not encrypted")),
(rc("aws_s3_bucket_public_access_block")[] |
  expect(after.block_public_acls and after.block_public_policy and after.ignore_public_acls and after.restrict_public_buckets; "bucket public access not fully blocked")),

# WAF
(one("aws_wafv2_web_acl") | after.rule as $rules |
  expect([$rules[] | select(.statement[0].rate_based_statement | length == 1)] | length == 1; "WAF has no rate-based rule"),
  (["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList"][] as $g |
    expect([$rules[] | select(.statement[0].managed_rule_group_statement[0].name? == $g)] | length == 1; "WAF lacks \($g)"))),
expect(rc("aws_wafv2_web_acl_association") | length == 1; "WAF not associated with the ALB"),
expect(rc("aws_wafv2_web_acl_logging_configuration") | length == 1; "WAF logging off"),

# ECR, ECS
(one("aws_ecr_repository") as $e |
  expect($e | after.image_tag_mutability == "IMMUTABLE"; "ECR tags are mutable"),
  expect($e | after.image_scanning_configuration[0].scan_on_push == true; "ECR scan on push off")),
expect(rc("aws_ecr_lifecycle_policy") | length == 1; "ECR without lifecycle policy"),
expect(one("aws_ecs_cluster") | after.setting | any(.name == "containerInsights" and .value == "enabled"); "Container Insights off"),
(one("aws_ecs_service") as $s |
  expect($s | after.deployment_circuit_breaker[0].enable and after.deployment_circuit_breaker[0].rollback; "no deployment circuit breaker with rollback"),
  expect($s | after.network_configuration[0].assign_public_ip == false; "tasks get public IPs"),
  expect($s | after.capacity_provider_strategy | map(.capacity_provider) | if prod then . == ["FARGATE"] else true end; "prod must run on FARGATE (not spot)")),
(one("aws_appautoscaling_target") as $a |
  expect($a | [after.min_capacity, after.max_capacity] == (if prod then [2, 20] else [1, 4] end); "autoscaling bounds \($a | [after.min_capacity, after.max_capacity])")),
expect([rc("aws_appautoscaling_policy")[] | after.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type] | sort == ["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]; "autoscaling is not on CPU and requests per target"),
expect([rc("aws_ecs_task_definition")[] | after.family] | length == 3; "expected the service, migrate and load task definitions"),
# (Their container definitions hold the image URL, known only after apply: state_policies.jq checks them.)
# Payments: the service task's payment secrets (the ecs_service module's output, known at plan; its
# terraform test checks they are the container's): prod is planned with Stripe, dev with the dev provider.
(.planned_values.outputs.payments.value as $p |
  if prod then
    expect($p == {provider: "stripe", secrets: {BOXOFFICE_STRIPE_SECRET_KEY: $stripe_key, BOXOFFICE_STRIPE_WEBHOOK_SECRETS: $stripe_webhook}};
      "prod with stripe: the service reads Stripe's key and webhook secrets from the given ARNs (got \($p))")
  else
    expect($p == {provider: "dev", secrets: {}}; "dev: the dev provider and no payment secret (got \($p))")
  end),

# Queue, secrets, keys, logs
(rc("aws_sqs_queue")[] | expect(after.sqs_managed_sse_enabled == true or after.kms_master_key_id != null; "\(.address) not encrypted")),
expect([rc("aws_sqs_queue")[] | select(after.visibility_timeout_seconds == 300)] | length >= 1; "queue visibility timeout is not 300 s"),
(rc("aws_kms_key")[] | expect(after.enable_key_rotation == true; "\(.address) without key rotation")),
(rc("aws_secretsmanager_secret")[] | expect(unknown("kms_key_id") or after.kms_key_id != null; "\(.address) not encrypted with the stack's key")),
(rc("aws_cloudwatch_log_group")[] | expect((after.retention_in_days // 0) > 0; "\(.address) keeps logs forever")),
(rc("aws_cloudwatch_log_group")[] | select(.address | test("module.service")) |
  expect(after.retention_in_days == (if prod then 90 else 14 end); "service log retention \(after.retention_in_days)")),
(rc("aws_iam_role_policy")[] | select(after.policy != null) | after.policy | fromjson | .Statement[] |
  select(.Effect == "Allow") |
  expect(([.Action] | flatten | index("*")) == null; "an IAM statement allows every action")),

# Observability
expect(rc("aws_prometheus_workspace") | length == 1; "no AMP workspace"),
expect([rc("aws_prometheus_rule_group_namespace")[] | after.data | test("(?m)^groups:")] | (length == $rule_files and all); "AMP rule namespaces are not the repository's \($rule_files) rule files"),
([rc("aws_cloudwatch_metric_alarm")[] | after.metric_name] as $m |
  ["CPUUtilization", "MemoryUtilization", "DatabaseConnections", "HTTPCode_Target_5XX_Count", "TargetResponseTime",
   "UnHealthyHostCount", "FreeStorageSpace", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage", "Evictions",
   "ApproximateNumberOfMessagesVisible"][] as $want |
  expect($m | index($want); "no CloudWatch alarm on \($want)")),
(rc("aws_cloudwatch_metric_alarm")[] | select(after.metric_name == "DatabaseConnections") | expect(after.threshold == 150; "database connections alarm threshold")),
expect(one("aws_sns_topic") | after.kms_master_key_id != null; "alarm topic not encrypted")
