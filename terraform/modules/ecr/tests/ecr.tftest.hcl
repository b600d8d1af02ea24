mock_provider "aws" {}

variables {
  name = "bo-test"
}

run "immutable_scanned_and_pruned" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "Tags are immutable."
  }
  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push == true
    error_message = "Images are scanned on push."
  }
  assert {
    condition     = aws_ecr_repository.this.force_delete == false
    error_message = "A repository with images is not deleted by default."
  }
  assert {
    condition = (length(jsondecode(aws_ecr_lifecycle_policy.this.policy).rules) == 2 &&
    jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countNumber == 30)
    error_message = "The lifecycle policy expires untagged images and keeps the newest 30."
  }
}

run "kms_when_given" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000"
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS"
    error_message = "A given key encrypts the images."
  }
}
