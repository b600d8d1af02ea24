mock_provider "aws" {
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:bo-test-alarms"
    }
  }
  mock_resource "aws_prometheus_workspace" {
    defaults = {
      arn                 = "arn:aws:aps:eu-west-1:123456789012:workspace/ws-0123"
      prometheus_endpoint = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123/"
    }
  }
}

variables {
  name   = "bo-test"
  region = "eu-west-1"
  rule_files = {
    rules  = file("../../../dashboards/prometheus/rules.yaml")
    alerts = file("../../../dashboards/prometheus/alerts.yaml")
  }
  targets = {
    cluster_name            = "bo-test"
    service_name            = "bo-test"
    alb_arn_suffix          = "app/bo-test/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/bo-test-tg/0123456789abcdef"
    db_instance_identifier  = "bo-test"
    cache_cluster_ids       = ["bo-test-001", "bo-test-002"]
    dlq_name                = "bo-test-notifications-dlq"
  }
}

run "rules_are_the_repositorys" {
  command = apply

  assert {
    condition     = aws_prometheus_rule_group_namespace.this["rules"].data == file("../../../dashboards/prometheus/rules.yaml")
    error_message = "The recording rules are loaded from the repository's file, unchanged."
  }
  assert {
    condition     = aws_prometheus_rule_group_namespace.this["alerts"].data == file("../../../dashboards/prometheus/alerts.yaml")
    error_message = "The alerts are loaded from the repository's file, unchanged."
  }
  assert {
    condition = (yamldecode(output.collector_config).exporters.prometheusremotewrite.endpoint == "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0123/api/v1/remote_write" &&
    yamldecode(output.collector_config).exporters.prometheusremotewrite.auth.authenticator == "sigv4auth")
    error_message = "The collector remote-writes to the workspace, signed with SigV4."
  }
  assert {
    condition     = yamldecode(output.collector_config).receivers.prometheus.config.scrape_configs[0].static_configs[0].targets == ["localhost:9464"]
    error_message = "The collector scrapes the service's metrics port in the same task."
  }
}

run "alarms" {
  command = apply

  assert {
    condition = alltrue([for m in ["CPUUtilization", "MemoryUtilization", "DatabaseConnections", "HTTPCode_Target_5XX_Count",
      "TargetResponseTime", "UnHealthyHostCount", "FreeStorageSpace", "EngineCPUUtilization", "DatabaseMemoryUsagePercentage",
    "Evictions", "ApproximateNumberOfMessagesVisible"] : contains([for a in aws_cloudwatch_metric_alarm.this : a.metric_name], m)])
    error_message = "Every alarm an operator expects exists."
  }
  assert {
    condition = (aws_cloudwatch_metric_alarm.this["service-cpu"].threshold == 90 && aws_cloudwatch_metric_alarm.this["service-memory"].threshold == 90 &&
      aws_cloudwatch_metric_alarm.this["db-connections"].threshold == 150 && aws_cloudwatch_metric_alarm.this["alb-5xx"].threshold == 10 &&
    aws_cloudwatch_metric_alarm.this["alb-5xx"].period == 60 && aws_cloudwatch_metric_alarm.this["target-response-time"].threshold == 2)
    error_message = "Thresholds: CPU/memory 90 %, 150 connections, 10 5XX per minute, 2 s response time."
  }
  assert {
    condition     = length([for a in aws_cloudwatch_metric_alarm.this : a if a.namespace == "AWS/ElastiCache"]) == 6
    error_message = "CPU, memory and evictions alarms for each Redis node."
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.this : a.alarm_actions == toset([aws_sns_topic.alarms.arn])])
    error_message = "Every alarm notifies the SNS topic."
  }
  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == "alias/aws/sns"
    error_message = "The alarm topic is encrypted."
  }
}

run "non_rules_yaml_is_refused" {
  command = plan

  variables {
    rule_files = { bogus = "scrape_configs: []" }
  }

  expect_failures = [var.rule_files]
}
