#!/usr/bin/env python3
"""Makes moto_server (started with INITIAL_NO_AUTH_ACTION_COUNT=3) check signatures from here on.

The three unauthenticated calls create an IAM user, its policy and its access key; then, signed
with that key, the role a web identity (EKS IRSA) assumes. Prints: KEY_ID SECRET ROLE_ARN.
Used by scripts/test-servers.sh.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
kw = dict(endpoint_url=endpoint, region_name="us-east-1",
          aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam = boto3.client("iam", **kw)
iam.create_user(UserName="boxoffice-tests")
allow = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": ["sqs:*", "sts:*", "iam:*"], "Resource": "*"}]}
iam.put_user_policy(UserName="boxoffice-tests", PolicyName="all", PolicyDocument=json.dumps(allow))
key = iam.create_access_key(UserName="boxoffice-tests")["AccessKey"]

kw.update(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
iam = boto3.client("iam", **kw)
trust = {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                        "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.example"}}]}
role = iam.create_role(RoleName="boxoffice-relay", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
sqs_only = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sqs:*"], "Resource": "*"}]}
iam.put_role_policy(RoleName="boxoffice-relay", PolicyName="sqs", PolicyDocument=json.dumps(sqs_only))
print(key["AccessKeyId"], key["SecretAccessKey"], role["Arn"])
