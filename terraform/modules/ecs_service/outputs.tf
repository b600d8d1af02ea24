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
