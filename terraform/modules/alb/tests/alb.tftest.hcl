mock_provider "aws" {
  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/bo-test/0123456789abcdef"
      arn_suffix = "app/bo-test/0123456789abcdef"
      dns_name   = "bo-test-123.eu-west-1.elb.amazonaws.com"
    }
  }
  mock_resource "aws_lb_target_group" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/bo-test-tg/0123456789abcdef"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::bo-test-alb-logs-abc"
      id  = "bo-test-alb-logs-abc"
    }
  }
  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::156460612806:root"
    }
  }
}

variables {
  name              = "bo-test"
  vpc_id            = "vpc-12345678"
  public_subnet_ids = ["subnet-a", "subnet-b"]
  certificate_arn   = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-4000-8000-000000000000"
}

run "secure_listeners" {
  command = plan

  assert {
    condition     = aws_lb.this.internal == false && aws_lb.this.drop_invalid_header_fields == true
    error_message = "The ALB is internet-facing and drops invalid header fields."
  }
  assert {
    condition     = aws_lb.this.idle_timeout == 60
    error_message = "Idle timeout 60 s (below the service's 75 s keep-alive)."
  }
  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "HTTPS listener with a TLS 1.2+ policy."
  }
  assert {
    condition = (aws_lb_listener.http.default_action[0].type == "redirect" &&
      aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS" &&
    aws_lb_listener.http.default_action[0].redirect[0].status_code == "HTTP_301")
    error_message = "Port 80 only redirects to HTTPS."
  }
  assert {
    condition     = aws_lb_target_group.this.health_check[0].path == "/readyz" && aws_lb_target_group.this.target_type == "ip"
    error_message = "Target group of IPs (Fargate) checked on /readyz."
  }
  assert {
    condition     = aws_lb_target_group.this.deregistration_delay == "30"
    error_message = "Deregistration delay 30 s, above the service's 25 s shutdown."
  }
  assert {
    condition     = alltrue([for r in merge(aws_vpc_security_group_ingress_rule.https, aws_vpc_security_group_ingress_rule.http) : contains([80, 443], r.from_port) && r.from_port == r.to_port])
    error_message = "The ALB admits only ports 80 and 443."
  }
}

run "access_logs_encrypted_and_private" {
  command = apply

  assert {
    condition     = [for r in aws_s3_bucket_server_side_encryption_configuration.logs[0].rule : r.apply_server_side_encryption_by_default[0].sse_algorithm] == ["AES256"]
    error_message = "Access logs are encrypted (SSE-S3, the only kind ALB log delivery supports)."
  }
  assert {
    condition = (aws_s3_bucket_public_access_block.logs[0].block_public_acls && aws_s3_bucket_public_access_block.logs[0].block_public_policy &&
    aws_s3_bucket_public_access_block.logs[0].ignore_public_acls && aws_s3_bucket_public_access_block.logs[0].restrict_public_buckets)
    error_message = "The log bucket blocks every kind of public access."
  }
  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement :
    try(s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false", false)])
    error_message = "The log bucket refuses requests without TLS."
  }
  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.logs[0].policy).Statement :
    try(s.Effect == "Allow" && s.Action == "s3:PutObject" && s.Principal.AWS == "arn:aws:iam::156460612806:root", false)])
    error_message = "Only the region's ELB log delivery account may write logs."
  }
  assert {
    condition     = length(aws_apigatewayv2_api.this) == 0
    error_message = "API Gateway is off by default."
  }
}

run "idle_timeout_above_keepalive_is_refused" {
  command = plan

  variables {
    idle_timeout = 90
  }

  expect_failures = [terraform_data.timeouts_are_consistent]
}

run "short_deregistration_is_refused" {
  command = plan

  variables {
    deregistration_delay = 10
  }

  expect_failures = [terraform_data.timeouts_are_consistent]
}

run "old_tls_policy_is_refused" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-2016-08"
  }

  expect_failures = [var.ssl_policy]
}

run "api_gateway_throttles" {
  command = plan

  variables {
    api_gateway = { enabled = true, throttle_rate_limit = 100, throttle_burst_limit = 200 }
  }

  assert {
    condition     = aws_apigatewayv2_stage.default[0].default_route_settings[0].throttling_rate_limit == 100
    error_message = "The HTTP API throttles at the configured rate."
  }
}
