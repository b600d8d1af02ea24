output "web_acl_arn" {
  description = "ARN of the web ACL."
  value       = aws_wafv2_web_acl.this.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the WAF's logs."
  value       = aws_cloudwatch_log_group.this.name
}
