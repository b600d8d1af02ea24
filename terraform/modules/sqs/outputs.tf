output "queue_url" {
  description = "URL of the notifications queue (BOXOFFICE_SQS_QUEUE_URL)."
  value       = aws_sqs_queue.this.id
}

output "queue_arn" {
  description = "ARN of the notifications queue."
  value       = aws_sqs_queue.this.arn
}

output "dlq_name" {
  description = "Name of the dead-letter queue (CloudWatch alarm dimension)."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "send_policy_json" {
  description = "IAM policy that allows sending to this queue and nothing else (for the task role)."
  value = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "SendNotifications"
      Effect   = "Allow"
      Action   = ["sqs:SendMessage", "sqs:SendMessageBatch", "sqs:GetQueueAttributes"]
      Resource = [aws_sqs_queue.this.arn]
    }]
  })
}
