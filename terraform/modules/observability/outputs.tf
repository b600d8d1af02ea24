output "workspace_arn" {
  description = "ARN of the AMP workspace (the task role may remote-write to it only)."
  value       = aws_prometheus_workspace.this.arn
}

output "prometheus_endpoint" {
  description = "AMP query endpoint (a Grafana data source with SigV4 auth)."
  value       = aws_prometheus_workspace.this.prometheus_endpoint
}

output "remote_write_url" {
  description = "Remote-write URL of the workspace."
  value       = local.remote_write_url
}

output "collector_config" {
  description = "ADOT collector configuration (AOT_CONFIG_CONTENT of the sidecar)."
  value       = local.collector_config
}

output "alarm_topic_arn" {
  description = "SNS topic of the CloudWatch alarms."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms."
  value       = [for a in aws_cloudwatch_metric_alarm.this : a.alarm_name]
}

output "rule_group_namespaces" {
  description = "Names of the AMP rule group namespaces."
  value       = keys(aws_prometheus_rule_group_namespace.this)
}
