mock_provider "aws" {
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-4111-8111-111111111111"
    }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = {
      arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/jwt-secret-AbCdEf"
    }
  }
}

# The mock gives every secret the same ARN: the ticket signing key gets one of its own, so the
# execution role's list shows it.
override_resource {
  target = aws_secretsmanager_secret.ticket_signing
  values = {
    arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/ticket-signing-key-AbCdEf"
  }
}

variables {
  name = "bo-test"
  execution_role = {
    ecr_repository_arn = "arn:aws:ecr:eu-west-1:123456789012:repository/bo-test"
    log_group_arn      = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/bo-test"
    extra_secret_arns  = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf"]
    extra_kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/22222222-2222-4222-8222-222222222222"]
  }
  task_role = {
    sqs_send_policy_json = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:SendMessage\"],\"Resource\":[\"arn:aws:sqs:eu-west-1:123456789012:q\"]}]}"
    amp_remote_write     = true
    amp_workspace_arn    = "arn:aws:aps:eu-west-1:123456789012:workspace/ws-0123"
  }
}

run "generated_secrets" {
  command = apply

  assert {
    condition     = length(aws_secretsmanager_secret_version.jwt.secret_string) == 64 && can(regex("^[0-9a-f]+$", aws_secretsmanager_secret_version.jwt.secret_string))
    error_message = "The JWT secret is 64 random hex digits (the service needs at least 32 characters)."
  }
  assert {
    condition     = length(aws_secretsmanager_secret_version.redis_auth.secret_string) >= 16 && length(aws_secretsmanager_secret_version.redis_auth.secret_string) <= 128
    error_message = "The Redis AUTH token has 16-128 characters."
  }
  assert {
    # 43 base64 digits and one '=' encode exactly 32 bytes.
    condition     = can(regex("^[A-Za-z0-9+/]{43}=$", aws_secretsmanager_secret_version.ticket_signing.secret_string))
    error_message = "The ticket signing key is the base64 of a 32-byte seed (44 characters, one '=')."
  }
  assert {
    condition     = aws_secretsmanager_secret.ticket_signing.name == "bo-test/ticket-signing-key"
    error_message = "The ticket signing key has a secret of its own, NAME/ticket-signing-key."
  }
  assert {
    condition     = aws_secretsmanager_secret_version.jwt.secret_string != aws_secretsmanager_secret_version.redis_auth.secret_string
    error_message = "Each secret is generated on its own."
  }
  assert {
    condition = (aws_secretsmanager_secret.jwt.kms_key_id == aws_kms_key.this.arn && aws_secretsmanager_secret.redis_auth.kms_key_id == aws_kms_key.this.arn &&
    aws_secretsmanager_secret.ticket_signing.kms_key_id == aws_kms_key.this.arn)
    error_message = "Secrets are encrypted with the module's KMS key."
  }
  assert {
    condition     = aws_kms_key.this.enable_key_rotation == true
    error_message = "The KMS key rotates."
  }
}

run "execution_role_least_privilege" {
  command = apply

  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement :
    !contains(flatten([s.Action]), "*") && !anytrue([for a in flatten([s.Action]) : endswith(a, ":*")])])
    error_message = "No statement allows every action (or every action of a service)."
  }
  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement :
    s.Resource != "*" || flatten([s.Action]) == ["ecr:GetAuthorizationToken"]])
    error_message = "Only ecr:GetAuthorizationToken (which has no resource-level permissions) may use Resource \"*\"."
  }
  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "Secrets"]) == [
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/jwt-secret-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/ticket-signing-key-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf",
    ]
    error_message = "The execution role reads exactly the service's secrets."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "EcrPull"]) == [var.execution_role.ecr_repository_arn]
    error_message = "Pulls only from the stack's repository."
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "Logs"]) == ["${var.execution_role.log_group_arn}:*"]
    error_message = "Writes only to the service's log group."
  }
}

run "task_role_least_privilege" {
  command = apply

  assert {
    condition     = aws_iam_role_policy.sqs.policy == var.task_role.sqs_send_policy_json
    error_message = "The task role's queue policy is the sqs module's send-only policy."
  }
  assert {
    condition = (jsondecode(aws_iam_role_policy.amp[0].policy).Statement[0].Action == ["aps:RemoteWrite"] &&
    jsondecode(aws_iam_role_policy.amp[0].policy).Statement[0].Resource == [var.task_role.amp_workspace_arn])
    error_message = "AMP: remote write to the one workspace only."
  }
  assert {
    condition     = length(aws_iam_role_policy.exec) == 0
    error_message = "ECS Exec permissions only when asked for."
  }
  assert {
    condition     = jsondecode(aws_iam_role.task.assume_role_policy).Statement[0].Principal.Service == "ecs-tasks.amazonaws.com"
    error_message = "Only ECS tasks assume the task role."
  }
}

run "no_amp_no_policy" {
  command = plan

  variables {
    task_role = {
      sqs_send_policy_json = "{}"
    }
  }

  assert {
    condition     = length(aws_iam_role_policy.amp) == 0
    error_message = "Without AMP there is no remote-write permission."
  }
}

# Payments: the execution role reads the operator's Stripe secrets (and their KMS key) only with stripe.
run "payments_dev_grants_nothing_more" {
  command = apply

  assert {
    condition = !strcontains(aws_iam_role_policy.execution.policy, "stripe") && [for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "DecryptSecrets"][0] == [
    "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-4111-8111-111111111111", "arn:aws:kms:eu-west-1:123456789012:key/22222222-2222-4222-8222-222222222222"]
    error_message = "With the dev provider the execution role gets no payment secret and no other key."
  }
}

run "payments_stripe_grants_its_secrets" {
  command = apply

  variables {
    payments = {
      provider = "stripe"
      stripe = {
        secret_key_arn      = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-secret-key-AbCdEf"
        webhook_secrets_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-webhook-secrets-AbCdEf"
        kms_key_arn         = "arn:aws:kms:eu-west-1:123456789012:key/33333333-3333-4333-8333-333333333333"
      }
    }
  }

  assert {
    condition = length(setsubtract(["arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-secret-key-AbCdEf",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bo-test/stripe-webhook-secrets-AbCdEf"],
    [for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "Secrets"][0])) == 0
    error_message = "With stripe the execution role may read Stripe's two secrets."
  }
  assert {
    condition     = contains([for s in jsondecode(aws_iam_role_policy.execution.policy).Statement : s.Resource if s.Sid == "DecryptSecrets"][0], "arn:aws:kms:eu-west-1:123456789012:key/33333333-3333-4333-8333-333333333333")
    error_message = "With stripe and a customer-managed key the execution role may decrypt with it."
  }
}

run "payments_stripe_without_arns_is_refused" {
  command = plan
  variables {
    payments = { provider = "stripe" }
  }
  expect_failures = [var.payments]
}
