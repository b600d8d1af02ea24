mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/vpc/bo-test/flow-logs"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/bo-test-flow-logs"
    }
  }
}

variables {
  name   = "bo-test"
  region = "eu-west-1"
  azs    = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

run "nat_per_az_by_default" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_route.private_nat) == 3
    error_message = "Without single_nat_gateway every AZ needs its own NAT gateway and route."
  }
  assert {
    condition     = length(aws_subnet.public) == 3 && length(aws_subnet.private) == 3 && length(aws_subnet.database) == 3
    error_message = "Each AZ needs a public, a private and a database subnet."
  }
  assert {
    condition     = alltrue([for s in concat(aws_subnet.public, aws_subnet.private, aws_subnet.database) : s.map_public_ip_on_launch == false])
    error_message = "No subnet may hand out public IPs."
  }
  assert {
    condition     = length(aws_flow_log.this) == 1 && aws_cloudwatch_log_group.flow_logs[0].retention_in_days == 30
    error_message = "Flow logs must be on, with a retention."
  }
  assert {
    condition = alltrue([for e in ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "sqs"] :
    contains(keys(aws_vpc_endpoint.interface), e)]) && aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway"
    error_message = "Tasks must reach ECR, Logs, Secrets Manager and SQS through VPC endpoints, S3 through a gateway endpoint."
  }
  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled])
    error_message = "Interface endpoints need private DNS, or the SDKs keep using the public names through the NAT."
  }
}

run "database_subnets_have_no_route_out" {
  command = apply

  assert {
    condition     = length(aws_route_table_association.database) == 3
    error_message = "Database subnets must use the database route table."
  }
  assert {
    condition     = aws_route.public_internet.route_table_id == aws_route_table.public.id && alltrue([for r in aws_route.private_nat : r.route_table_id != aws_route_table.database.id])
    error_message = "The database route table must have no route to the internet."
  }
}

run "default_security_group_is_empty" {
  command = apply

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The VPC's default security group must have no rules."
  }
}

run "single_nat_for_dev" {
  command = plan

  variables {
    azs                = ["eu-west-1a", "eu-west-1b"]
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 2
    error_message = "single_nat_gateway: one NAT shared by the route tables of both AZs."
  }
}

run "one_az_is_refused" {
  command = plan

  variables {
    azs = ["eu-west-1a"]
  }

  expect_failures = [var.azs]
}
