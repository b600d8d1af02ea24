# Secrets are generated here and never pass through a variable or a file. The hashicorp/random
# provider is not available to this project's offline mirror, so each value is two uuid()s (128-bit
# values from the operating system's CSPRNG; 244 random bits in 64 hex digits). uuid() changes on
# every plan: ignore_changes keeps the first value, so rotating is an explicit
# `terraform apply -replace=module.secrets.aws_secretsmanager_secret_version.jwt` (see README).
# The values are in the state (as they would be with random_password): keep the state encrypted.
# The ticket signing seed must be the base64 of exactly 32 bytes (BOXOFFICE_TICKET_SIGNING_KEY):
# random_bytes is not available either, so it is the SHA-256 of three uuid()s (366 random bits in,
# 256 out) as base64 - 44 characters.
locals {
  generated = {
    jwt            = replace("${uuid()}${uuid()}", "-", "")
    redis          = replace("${uuid()}${uuid()}", "-", "")
    ticket_signing = base64sha256("${uuid()}${uuid()}${uuid()}")
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: Secrets Manager secrets"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-secrets"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_secretsmanager_secret" "jwt" {
  name                    = "${var.name}/jwt-secret"
  description             = "HS256 secret of boxoffice's JWTs (BOXOFFICE_JWT_SECRET)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "jwt" {
  secret_id     = aws_secretsmanager_secret.jwt.id
  secret_string = local.generated.jwt
  lifecycle {
    ignore_changes = [secret_string]
  }
}

# One Ed25519 key for every task: a key per process would sign tickets other tasks' scanners cannot
# verify. Rotating it (-replace of the version, then a redeploy) invalidates the tickets already issued.
resource "aws_secretsmanager_secret" "ticket_signing" {
  name                    = "${var.name}/ticket-signing-key"
  description             = "Base64 of the 32-byte Ed25519 seed that signs boxoffice's tickets (BOXOFFICE_TICKET_SIGNING_KEY)"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "ticket_signing" {
  secret_id     = aws_secretsmanager_secret.ticket_signing.id
  secret_string = local.generated.ticket_signing
  lifecycle {
    ignore_changes = [secret_string]
  }
}

# ElastiCache AUTH: 16-128 printable characters; hex digits are always accepted.
resource "aws_secretsmanager_secret" "redis_auth" {
  name                    = "${var.name}/redis-auth-token"
  description             = "AUTH token of the ElastiCache replication group"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "redis_auth" {
  secret_id     = aws_secretsmanager_secret.redis_auth.id
  secret_string = local.generated.redis
  lifecycle {
    ignore_changes = [secret_string]
  }
}

locals {
  ecs_assume_role = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  # The payment provider's secrets are the operator's (Terraform never holds Stripe's key): only
  # their ARNs, and only those of the provider configured.
  payment_secret_arns = concat(
    var.payments.provider == "stripe" ? [var.payments.stripe.secret_key_arn, var.payments.stripe.webhook_secrets_arn] : [],
    var.payments.provider == "dev" && var.payments.dev_webhook_secret_arn != null ? [var.payments.dev_webhook_secret_arn] : [],
  )
  payment_kms_arns = var.payments.provider == "stripe" && try(var.payments.stripe.kms_key_arn, null) != null ? [var.payments.stripe.kms_key_arn] : []

  secret_arns = concat([aws_secretsmanager_secret.jwt.arn, aws_secretsmanager_secret.ticket_signing.arn], var.execution_role.extra_secret_arns, local.payment_secret_arns)
  kms_arns    = concat([aws_kms_key.this.arn], var.execution_role.extra_kms_key_arns, local.payment_kms_arns)
}

# Execution role: what ECS itself does before the container starts.
resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = local.ecs_assume_role
  tags               = var.tags
}

resource "aws_iam_role_policy" "execution" {
  name = "pull-read-secrets-log"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # GetAuthorizationToken has no resource-level permissions: AWS requires "*" here.
        Sid      = "EcrLogin"
        Effect   = "Allow"
        Action   = ["ecr:GetAuthorizationToken"]
        Resource = "*"
      },
      {
        Sid      = "EcrPull"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
        Resource = [var.execution_role.ecr_repository_arn]
      },
      {
        Sid      = "Logs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${var.execution_role.log_group_arn}:*"]
      },
      {
        Sid      = "Secrets"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = local.secret_arns
      },
      {
        Sid      = "DecryptSecrets"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = local.kms_arns
      },
    ]
  })
}

# Task role: what the running service does.
resource "aws_iam_role" "task" {
  name               = "${var.name}-task"
  assume_role_policy = local.ecs_assume_role
  tags               = var.tags
}

resource "aws_iam_role_policy" "sqs" {
  name   = "send-notifications"
  role   = aws_iam_role.task.id
  policy = var.task_role.sqs_send_policy_json
}

resource "aws_iam_role_policy" "amp" {
  count = var.task_role.amp_remote_write ? 1 : 0
  name  = "amp-remote-write"
  role  = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "RemoteWrite"
      Effect   = "Allow"
      Action   = ["aps:RemoteWrite"]
      Resource = [var.task_role.amp_workspace_arn]
    }]
  })
}

resource "aws_iam_role_policy" "exec" {
  count = var.task_role.enable_execute ? 1 : 0
  name  = "ecs-exec"
  role  = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # Session Manager's channel actions have no resource-level permissions.
      Sid    = "EcsExec"
      Effect = "Allow"
      Action = [
        "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
      ]
      Resource = "*"
    }]
  })
}
