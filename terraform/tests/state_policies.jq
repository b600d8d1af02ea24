# Checks over `terraform show -json` of the state applied against moto: what the plan could not
# know yet (policy documents with ARNs in them, the task definitions). One line per violation.
def resources: [.values.root_module | .. | objects | select(has("resources")) | .resources[]] ;
def of(t): [resources[] | select(.type == t)];
def fail(msg): "FAIL " + msg;
def expect(cond; msg): if cond then empty else fail(msg) end;
def actions: [.Action] | flatten;

# IAM: no statement allows every action or every action of a service; "*" resources only where
# AWS has no resource-level permissions.
(of("aws_iam_role_policy")[] | .address as $a | .values.policy | fromjson | .Statement[] | select(.Effect == "Allow") |
  expect((actions | map(select(. == "*" or endswith(":*"))) | length) == 0; "\($a) allows a wildcard action"),
  expect(.Resource != "*" or (actions - ["ecr:GetAuthorizationToken", "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"] | length == 0);
    "\($a) uses Resource \"*\" for \(actions)")),
expect(of("aws_iam_role_policy") | length >= 4; "expected execution, SQS, AMP and flow-log policies"),
(of("aws_iam_role_policy")[] | select(.values.name == "send-notifications") | .values.policy | fromjson | .Statement[0] |
  expect((actions | sort) == ["sqs:GetQueueAttributes", "sqs:SendMessage", "sqs:SendMessageBatch"] and (.Resource | length) == 1 and (.Resource[0] | test(":boxoffice-dev-notifications$"));
    "the task role may do more than send to the notifications queue")),
(of("aws_iam_role_policy")[] | select(.values.name == "pull-read-secrets-log") | .values.policy | fromjson |
  [.Statement[] | select(.Sid == "Secrets") | .Resource[]] as $s |
  expect(($s | length) == 4 and all($s[]; startswith("arn:aws:secretsmanager:")); "the execution role reads other secrets than JWT, ticket signing key, RDS master, Redis URL: \($s)")),

# Task definitions: secrets from Secrets Manager only, never as plain values.
(of("aws_ecs_task_definition")[] | .values as $td | ($td.container_definitions | fromjson) as $c |
  ($c[] | select(.name == "boxoffice" or .name == "migrate" or .name == "load") |
    expect(([.environment[]?.name] | map(select(. == "BOXOFFICE_JWT_SECRET" or . == "BOXOFFICE_TICKET_SIGNING_KEY" or . == "BOXOFFICE_REDIS_URL" or . == "PGPASSWORD" or test("STRIPE_SECRET_KEY|WEBHOOK_SECRET"))) | length) == 0;
      "\($td.family): a secret is a plain environment value"),
    expect(all(.secrets[]?; .valueFrom | startswith("arn:aws:secretsmanager:")); "\($td.family): a secret does not come from Secrets Manager"),
    expect(all(.environment[]?; .value | test("postgresql://[^@/]*:[^@/]*@") | not); "\($td.family): a password in the database URL"))),
(of("aws_ecs_task_definition")[] | select(.values.family == "boxoffice-dev") | .values.container_definitions | fromjson | .[] | select(.name == "boxoffice") |
  expect(([.secrets[].name] | sort) == ["BOXOFFICE_JWT_SECRET", "BOXOFFICE_REDIS_URL", "BOXOFFICE_TICKET_SIGNING_KEY", "PGPASSWORD"]; "service secrets: \([.secrets[].name])"),
  expect([.environment[] | select(.name == "BOXOFFICE_SQS_QUEUE_URL") | .value | test("^https?://")] == [true]; "BOXOFFICE_SQS_QUEUE_URL is not the queue URL"),
  expect([.environment[] | select(.name == "BOXOFFICE_PAYMENTS_PROVIDER") | .value] == ["dev"]; "dev: BOXOFFICE_PAYMENTS_PROVIDER is not dev (no Stripe secret: see the service secrets above)"),
  expect(.stopTimeout >= 25 and .readonlyRootFilesystem == true; "stopTimeout / read-only root")),
(of("aws_ecs_task_definition")[] | select(.values.family == "boxoffice-dev-migrate") | .values.container_definitions | fromjson | .[] | select(.name == "migrate") |
  expect(.command == ["migrate", "up"]; "the migrate task does not run migrate up")),
(of("aws_ecs_task_definition")[] | select(.values.family == "boxoffice-dev-load") | .values.container_definitions | fromjson | .[] | select(.name == "load") |
  expect(.entryPoint == ["/usr/local/bin/boxoffice-load"] and (.command | .[index("--base") + 1] | startswith("https://"));
    "the load task does not run boxoffice-load against the https URL")),
expect(of("aws_ecs_task_definition") | map(select(.values.family == "boxoffice-dev-load")) | length == 1; "the load task definition was not applied"),

# Database and network as created
(of("aws_db_instance")[] | .values |
  expect(.storage_encrypted == true and .publicly_accessible == false and (.master_user_secret | length) == 1;
    "RDS as applied: encrypted, private, managed master secret")),
(of("aws_vpc_security_group_ingress_rule")[] | select(.address | startswith("module.alb.") | not) |
  expect(.values.cidr_ipv4 == null and (.values.referenced_security_group_id | startswith("sg-")); "\(.address) admits a CIDR")),
(of("aws_secretsmanager_secret_version")[] | select(.address | test("jwt")) |
  expect(.values.secret_string | length == 64; "the generated JWT secret is not 64 characters")),
(of("aws_secretsmanager_secret_version")[] | select(.address | test("ticket_signing")) |
  expect(.values.secret_string | test("^[A-Za-z0-9+/]{43}=$"); "the generated ticket signing key is not the base64 of 32 bytes"))
