output "arn" {
  description = "ARN of the ALB (the WAF associates with it)."
  value       = aws_lb.this.arn
}

output "arn_suffix" {
  description = "ARN suffix of the ALB (CloudWatch dimension LoadBalancer)."
  value       = aws_lb.this.arn_suffix
}

output "dns_name" {
  description = "DNS name of the ALB (point a CNAME or alias of domain_name at it)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "Hosted zone of the ALB, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "security_group_id" {
  description = "Security group of the ALB; the service admits traffic from it only."
  value       = aws_security_group.this.id
}

output "target_group_arn" {
  description = "Target group the ECS service registers into."
  value       = aws_lb_target_group.this.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch dimension TargetGroup, autoscaling resource label)."
  value       = aws_lb_target_group.this.arn_suffix
}

output "https_listener_arn" {
  description = "The HTTPS listener (the ECS service depends on it)."
  value       = aws_lb_listener.https.arn
}

output "url" {
  description = "Public base URL of the service (the API Gateway endpoint when enabled)."
  value       = var.api_gateway.enabled ? aws_apigatewayv2_api.this[0].api_endpoint : "https://${local.host}"
}

output "access_logs_bucket" {
  description = "Bucket of the ALB access logs (empty when disabled)."
  value       = var.access_logs.enabled ? aws_s3_bucket.logs[0].id : ""
}
