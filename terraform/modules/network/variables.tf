variable "name" {
  description = "Name prefix of every resource (for example boxoffice-dev)."
  type        = string
}

variable "region" {
  description = "AWS region; used to name the VPC endpoint services."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR of the VPC; split into public, private (service) and database subnets per AZ."
  type        = string
  default     = "10.40.0.0/16"
}

variable "azs" {
  description = "Availability zones to span (2 in dev, 3 in prod). Given, not looked up, so a plan needs no AWS call."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 6
    error_message = "Give between 2 and 6 availability zones (RDS and the ALB need at least 2)."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper, dev) instead of one per AZ (prod: an AZ outage keeps egress)."
  type        = bool
  default     = false
}

variable "interface_endpoints" {
  description = "Interface VPC endpoints (service names without the com.amazonaws.REGION. prefix) so tasks reach AWS without the NAT."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs", "aps-workspaces"]
}

variable "flow_logs" {
  description = "VPC flow logs to CloudWatch Logs: traffic type and retention in days."
  type = object({
    enabled        = optional(bool, true)
    traffic_type   = optional(string, "REJECT")
    retention_days = optional(number, 30)
  })
  default = {}
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
