output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "security_group_id" {
  description = "Security group of the tasks (the database and Redis admit it)."
  value       = aws_security_group.this.id
}

output "log_group_name" {
  description = "CloudWatch log group of the tasks."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the log group (the execution role writes to it)."
  value       = aws_cloudwatch_log_group.this.arn
}

output "service_task_definition_arn" {
  description = "Task definition of the service."
  value       = aws_ecs_task_definition.service.arn
}

output "migrate_task_definition_arn" {
  description = "Task definition that runs `boxoffice migrate up` (scripts/deploy.sh runs it before each deploy)."
  value       = aws_ecs_task_definition.migrate.arn
}

output "private_subnet_ids" {
  description = "Subnets to run one-off tasks in (migrate, the load harness)."
  value       = var.private_subnet_ids
}

output "load_task_definition_arn" {
  description = "Task definition that runs `boxoffice-load` (entrypoint) against the public URL; null without load_task."
  value       = one(aws_ecs_task_definition.load[*].arn)
}

output "load_task_family" {
  description = "Family of the load task definition (run-task takes it and runs the latest revision); null without load_task."
  value       = one(aws_ecs_task_definition.load[*].family)
}

output "load_security_group_id" {
  description = "Security group of the load tasks (HTTPS out only); null without load_task."
  value       = one(aws_security_group.load[*].id)
}

output "payment_secrets" {
  description = "The payment provider's secrets the service container reads: variable name => Secrets Manager ARN (BOXOFFICE_STRIPE_SECRET_KEY and BOXOFFICE_STRIPE_WEBHOOK_SECRETS with stripe; empty with dev unless its webhook secret is given). ARNs only, never values."
  value       = local.payment_secrets
}
