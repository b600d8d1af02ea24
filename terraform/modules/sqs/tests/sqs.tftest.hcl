mock_provider "aws" {
  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:123456789012:bo-test"
    }
  }
}

variables {
  name = "bo-test"
}

run "encrypted_with_dead_letters" {
  command = apply

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled == true && aws_sqs_queue.dlq.sqs_managed_sse_enabled == true
    error_message = "Both queues are encrypted (SSE-SQS by default)."
  }
  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 300
    error_message = "Visibility timeout 300 s."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5 && jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dlq.arn
    error_message = "After 5 receives a message moves to the dead-letter queue."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue_policy.this.policy).Statement[0].Effect == "Deny" && jsondecode(aws_sqs_queue_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "The queue refuses requests without TLS."
  }
}

run "send_policy_is_least_privilege" {
  command = apply

  assert {
    condition     = length(jsondecode(output.send_policy_json).Statement) == 1
    error_message = "One statement."
  }
  assert {
    condition     = toset(jsondecode(output.send_policy_json).Statement[0].Action) == toset(["sqs:SendMessage", "sqs:SendMessageBatch", "sqs:GetQueueAttributes"])
    error_message = "Only SendMessage, SendMessageBatch and GetQueueAttributes."
  }
  assert {
    condition     = jsondecode(output.send_policy_json).Statement[0].Resource == [aws_sqs_queue.this.arn]
    error_message = "On the notifications queue only."
  }
}

run "kms_when_given" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_key_arn
    error_message = "A given KMS key replaces SSE-SQS."
  }
}
