mock_provider "aws" {}

variables {
  name    = "bo-test"
  alb_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/bo-test/0123456789abcdef"
}

run "managed_rules_and_rate_limit" {
  command = plan

  assert {
    condition     = aws_wafv2_web_acl.this.scope == "REGIONAL"
    error_message = "An ALB needs a REGIONAL web ACL."
  }
  assert {
    condition = length([for r in aws_wafv2_web_acl.this.rule : r
      if try(r.statement[0].rate_based_statement[0].limit == 2000 && r.statement[0].rate_based_statement[0].aggregate_key_type == "IP" &&
    length(r.action[0].block) == 1, false)]) == 1
    error_message = "One rule blocks a client IP above the rate limit."
  }
  assert {
    condition = alltrue([for g in ["AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList"] :
      length([for r in aws_wafv2_web_acl.this.rule : r
    if try(r.statement[0].managed_rule_group_statement[0].name == g && length(r.override_action[0].none) == 1, false)]) == 1])
    error_message = "Common, known bad inputs, SQL injection and IP reputation managed groups are all on."
  }
  assert {
    condition     = aws_wafv2_web_acl_association.this.resource_arn == var.alb_arn
    error_message = "The web ACL is associated with the ALB."
  }
  assert {
    condition     = startswith(aws_cloudwatch_log_group.this.name, "aws-waf-logs-") && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "WAF logs go to an aws-waf-logs- log group with a retention."
  }
  assert {
    condition     = aws_wafv2_web_acl_logging_configuration.this.redacted_fields[0].single_header[0].name == "authorization"
    error_message = "Logged requests never contain the Authorization header."
  }
}

run "tiny_rate_limit_is_refused" {
  command = plan

  variables {
    rate_limit = 10
  }

  expect_failures = [var.rate_limit]
}
