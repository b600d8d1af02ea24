output "service_url" {
  description = "Public base URL of the service."
  value       = module.alb.url
}

output "alb_dns_name" {
  description = "DNS name of the ALB (point domain_name at it)."
  value       = module.alb.dns_name
}

output "queue_url" {
  description = "URL of the notifications queue."
  value       = module.sqs.queue_url
}

output "amp_endpoint" {
  description = "Query endpoint of the AMP workspace (Grafana data source, SigV4)."
  value       = module.observability.prometheus_endpoint
}

output "ecr_repository_url" {
  description = "Where scripts/deploy.sh pushes the image."
  value       = module.ecr.repository_url
}

output "migrate_task_definition_arn" {
  description = "Task definition of `boxoffice migrate up`."
  value       = module.service.migrate_task_definition_arn
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.service.cluster_name
}

output "service_name" {
  description = "ECS service."
  value       = module.service.service_name
}

output "service_task_definition_arn" {
  description = "Task definition the service runs now."
  value       = module.service.service_task_definition_arn
}

output "private_subnet_ids" {
  description = "Subnets of one-off tasks (migrate, load harness)."
  value       = module.network.private_subnet_ids
}

output "service_security_group_id" {
  description = "Security group of one-off tasks (it reaches the database and Redis)."
  value       = module.service.security_group_id
}

output "jwt_secret_arn" {
  description = "Secret holding BOXOFFICE_JWT_SECRET (the walk-through mints tokens with it)."
  value       = module.secrets.jwt_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.observability.alarm_topic_arn
}

output "load_task_family" {
  description = "Task definition family of `boxoffice-load` (aws ecs run-task --task-definition; the command override is its flags)."
  value       = module.service.load_task_family
}

output "load_security_group_id" {
  description = "Security group of the load task (HTTPS out only)."
  value       = module.service.load_security_group_id
}

output "log_group_name" {
  description = "CloudWatch log group of every task (streams boxoffice/, migrate/, load/, adot/)."
  value       = module.service.log_group_name
}

output "payments" {
  description = "The service's payment provider and the secrets it reads for it (variable name => Secrets Manager ARN; no values)."
  value       = { provider = var.payments.provider, secrets = module.service.payment_secrets }
}
