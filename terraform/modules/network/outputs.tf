output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnets (the ALB)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnets (the ECS tasks); egress through the NAT and the VPC endpoints."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "Database subnets (RDS, ElastiCache); no route out of the VPC."
  value       = aws_subnet.database[*].id
}

output "endpoints_security_group_id" {
  description = "Security group of the interface endpoints; clients add an ingress rule from their own group."
  value       = aws_security_group.endpoints.id
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint (egress rules for ECR layer downloads)."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "nat_gateway_count" {
  description = "Number of NAT gateways (1 in dev, one per AZ in prod)."
  value       = length(aws_nat_gateway.this)
}
