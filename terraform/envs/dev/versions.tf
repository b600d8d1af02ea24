terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }

  # Remote state: `terraform init -backend-config=backend.hcl` (README.md shows the file).
  # Tests run `terraform init -backend=false`.
  backend "s3" {}
}
